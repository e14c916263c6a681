using M3uProxy.Edge.Api.Models;
using M3uProxy.Edge.Clients;
using M3uProxy.Edge.Configuration;
using M3uProxy.Edge.Coordination;
using M3uProxy.Edge.FanOut;
using M3uProxy.Edge.Lifecycle;
using M3uProxy.Edge.Metrics;
using M3uProxy.Edge.Streams;
using M3uProxy.Edge.Upstream;

namespace M3uProxy.Edge.Api;

/// <summary>Turns registry records into the reference's stats objects (seed-spec §10).</summary>
internal sealed class StatsBuilder
{
    private const string HiddenHeaderValue = "***";

    private readonly StreamLifecycle _lifecycle;
    private readonly Uptime _uptime;
    private readonly LiveChannelRegistry _channels;
    private readonly bool _maskUrls;
    private readonly ServedTotals _totals;
    private readonly RemoteClients _remote;

    public StatsBuilder(StreamLifecycle lifecycle, Uptime uptime, LiveChannelRegistry channels, ProxySettings settings, ServedTotals totals, RemoteClients remote)
    {
        _remote = remote;
        _totals = totals;
        _lifecycle = lifecycle;
        _channels = channels;
        _uptime = uptime;
        _maskUrls = settings.MaskUrls;
    }

    public IEnumerable<StreamRecord> ListedStreams()
        => _lifecycle.StreamSnapshot().Where(s => !s.Definition.IsVariant).OrderBy(s => s.CreatedAt);

    public IEnumerable<ClientRecord> ConnectedClients()
        => _lifecycle.ClientSnapshot().Where(c => c.IsConnected).OrderBy(c => c.CreatedAt);

    /// <summary>The connected viewers of the whole cluster: this instance's, then the others' as last reported.</summary>
    public IEnumerable<ClientStats> ClusterClients()
        => ConnectedClients().Select(c => Client(c)).Concat(_remote.Clients.OrderBy(c => c.CreatedAt).Select(c => Client(c)));

    /// <summary>A stream's viewers across the cluster.</summary>
    public int ClientCountOf(StreamRecord stream) => stream.ClientCount + _remote.CountOf(stream.Id);

    public ProxyStats Proxy()
    {
        var streams = _lifecycle.StreamSnapshot();
        var clients = _lifecycle.ClientSnapshot();
        var listed = streams.Where(s => !s.Definition.IsVariant).ToList();
        var remote = _remote.Clients.Count;
        return new ProxyStats(
            TotalStreams: listed.Count,
            ActiveStreams: listed.Count(s => ClientCountOf(s) > 0),
            TotalClients: clients.Count + remote,
            ActiveClients: clients.Count(c => c.IsConnected) + remote,
            TotalBytesServed: _totals.Bytes, // counters since start, not a sum over the streams still registered
            TotalSegmentsServed: _totals.Segments,
            UptimeSeconds: _uptime.Seconds);
    }

    public StreamStats Stream(StreamRecord stream)
    {
        var (definition, failover) = stream.Shared;
        var (bytes, segments, errors) = WithVariants(stream);
        return new StreamStats(
            StreamId: stream.Id,
            OriginalUrl: Shown(definition.Url),
            CurrentUrl: Shown(failover.CurrentUrl ?? definition.Url),
            UserAgent: definition.UserAgent,
            ClientCount: ClientCountOf(stream),
            TotalBytesServed: bytes,
            TotalSegmentsServed: segments,
            ErrorCount: errors,
            IsActive: true,
            HasFailover: definition.HasFailover,
            FailoverUrls: _maskUrls ? [.. definition.FailoverUrls.Select(UrlMasking.Mask)] : definition.FailoverUrls,
            FailoverResolverUrl: definition.FailoverResolverUrl is { } resolver ? Shown(resolver) : null,
            CurrentFailoverIndex: failover.Index,
            FailoverAttempts: failover.Attempts,
            LastFailoverTime: Timestamps.Aware(failover.LastFailoverTime),
            StreamType: StreamKindDetector.StatsLabel(definition.Kind, definition.Metadata),
            CreatedAt: Timestamps.Aware(stream.CreatedAt),
            LastAccess: Timestamps.Aware(stream.LastAccess),
            Metadata: definition.Metadata,
            Headers: HideValues(definition.Headers),
            SourceState: SourceStateName(failover.SourceState),
            MediaInfo: MediaInfoModel.From(_channels.MediaInfoOf(stream.Id)));
    }

    public static string SourceStateName(SourceState? state) => state.WireName();

    public static ClientStats Client(ClientRecord client) => new(
        ClientId: client.ClientId,
        StreamId: client.StreamId,
        UserAgent: client.Identity.UserAgent,
        IpAddress: client.Identity.IpAddress,
        Username: client.Identity.Username,
        BytesServed: client.BytesServed,
        SegmentsServed: client.SegmentsServed,
        CreatedAt: Timestamps.Aware(client.CreatedAt),
        LastAccess: Timestamps.Aware(client.LastAccess),
        IsConnected: client.IsConnected);

    private static ClientStats Client(RemoteClient client) => new(
        ClientId: client.ClientId,
        StreamId: client.StreamId,
        UserAgent: client.UserAgent,
        IpAddress: client.IpAddress,
        Username: client.Username,
        BytesServed: client.BytesServed,
        SegmentsServed: client.SegmentsServed,
        CreatedAt: Timestamps.Aware(client.CreatedAt),
        LastAccess: Timestamps.Aware(client.LastAccess),
        IsConnected: true);

    // m3u-editor relies on the URLs as given; MASK_URLS=true is for operators who share their stats.
    public string Shown(string url) => _maskUrls ? UrlMasking.Mask(url) : url;

    // Variant playlists' traffic counts toward their parent (seed-spec §4.5).
    private (long Bytes, long Segments, long Errors) WithVariants(StreamRecord stream)
    {
        var retired = stream.RetiredVariants;
        long bytes = stream.TotalBytesServed + retired.Bytes, segments = stream.TotalSegmentsServed + retired.Segments, errors = stream.ErrorCount + retired.Errors;
        foreach (var other in _lifecycle.StreamSnapshot())
        {
            if (other.Definition.ParentStreamId == stream.Id)
            {
                bytes += other.TotalBytesServed;
                segments += other.TotalSegmentsServed;
                errors += other.ErrorCount;
            }
        }

        return (bytes, segments, errors);
    }

    // Upstream headers often carry credentials (cookies, tokens): show which are set, not their values.
    private static Dictionary<string, string> HideValues(IReadOnlyDictionary<string, string> headers)
        => headers.ToDictionary(h => h.Key, _ => HiddenHeaderValue, StringComparer.Ordinal);
}
