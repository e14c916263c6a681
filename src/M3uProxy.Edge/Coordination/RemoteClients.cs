namespace M3uProxy.Edge.Coordination;

/// <summary>A viewer connected to another instance of the cluster, as that instance last reported it.</summary>
internal sealed record RemoteClient(
    string ClientId,
    string StreamId,
    string UserAgent,
    string IpAddress,
    string? Username,
    long BytesServed,
    long SegmentsServed,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastAccess,
    string WorkerId);

/// <summary>
/// The viewers connected to the other instances, so that <c>/clients</c>, <c>/stats</c>,
/// <c>/streams</c> and the metadata counts answer for the cluster. Each instance reports its own
/// every couple of seconds; an instance that stops reporting drops out. Empty on a single instance.
/// </summary>
internal sealed class RemoteClients
{
    private IReadOnlyList<RemoteClient> _clients = [];
    private IReadOnlyDictionary<string, int> _countByStream = new Dictionary<string, int>();

    public IReadOnlyList<RemoteClient> Clients => Volatile.Read(ref _clients);

    /// <summary>How many viewers the other instances have on <paramref name="streamId"/>.</summary>
    public int CountOf(string streamId) => Volatile.Read(ref _countByStream).GetValueOrDefault(streamId);

    public void Replace(IReadOnlyList<RemoteClient> clients)
    {
        Volatile.Write(ref _countByStream, clients.GroupBy(c => c.StreamId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal));
        Volatile.Write(ref _clients, clients);
    }
}
