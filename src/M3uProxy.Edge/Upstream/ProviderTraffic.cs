using System.Collections.Concurrent;

namespace M3uProxy.Edge.Upstream;

/// <summary>
/// Upstream traffic per provider (the requested URL's <c>host:port</c>): responses being read
/// now, and body bytes read since start. Bounded: past <see cref="MaxProviders"/> distinct hosts,
/// the rest are counted under <c>other</c>, so a metrics label never grows without end.
/// </summary>
internal sealed class ProviderTraffic
{
    public const int MaxProviders = 500;
    public const string Other = "other";

    private readonly ConcurrentDictionary<string, Provider> _providers = new(StringComparer.OrdinalIgnoreCase);

    public Provider For(Uri url)
    {
        var key = $"{url.IdnHost}:{url.Port}";
        if (_providers.TryGetValue(key, out var provider))
        {
            return provider;
        }

        return _providers.Count >= MaxProviders ? _providers.GetOrAdd(Other, static name => new Provider(name)) : _providers.GetOrAdd(key, static name => new Provider(name));
    }

    public IReadOnlyCollection<Provider> Snapshot() => [.. _providers.Values];

    /// <summary>Upstream responses open now, all providers together.</summary>
    public int OpenResponses => _providers.Values.Sum(p => p.Open);

    public long BytesRead => _providers.Values.Sum(p => p.BytesRead);

    internal sealed class Provider(string name)
    {
        private int _open;
        private long _bytesRead;

        public string Name { get; } = name;

        public int Open => Volatile.Read(ref _open);

        public long BytesRead => Interlocked.Read(ref _bytesRead);

        public void Opened() => Interlocked.Increment(ref _open);

        public void Closed() => Interlocked.Decrement(ref _open);

        public void Read(int count) => Interlocked.Add(ref _bytesRead, count);
    }
}
