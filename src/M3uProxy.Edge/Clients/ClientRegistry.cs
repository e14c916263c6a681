using System.Collections.Concurrent;

namespace M3uProxy.Edge.Clients;

/// <summary>All known clients by id. A client id belongs to one stream at a time.</summary>
internal sealed class ClientRegistry
{
    private readonly ConcurrentDictionary<string, ClientRecord> _clients = new(StringComparer.Ordinal);

    public int Count => _clients.Count;

    public bool TryGet(string clientId, out ClientRecord client) => _clients.TryGetValue(clientId, out client!);

    public ClientRecord GetOrAdd(string clientId, Func<string, ClientRecord> create) => _clients.GetOrAdd(clientId, create);

    public bool TryAdd(ClientRecord client) => _clients.TryAdd(client.ClientId, client);

    /// <summary>Removes this exact record (not a newer one registered under the same id).</summary>
    public bool TryRemove(ClientRecord client) => _clients.TryRemove(new KeyValuePair<string, ClientRecord>(client.ClientId, client));

    public IReadOnlyList<ClientRecord> Snapshot() => [.. _clients.Values];
}
