using System.Diagnostics.Metrics;
using M3uProxy.Edge.Configuration;
using M3uProxy.Edge.Lifecycle;
using M3uProxy.Edge.Streams;

namespace M3uProxy.Edge.Metrics;

/// <summary>
/// Optional per-stream series, labelled by <c>stream_id</c>, for at most
/// <c>METRICS_PER_STREAM_LIMIT</c> streams (those with the most clients, then the most bytes):
/// a bound on what a scraper stores however many streams m3u-editor registers. Off (0) by default.
/// </summary>
internal sealed class StreamGauges : IGaugeSet
{
    private readonly StreamLifecycle _lifecycle;
    private readonly int _limit;

    public StreamGauges(ProxyMetrics metrics, StreamLifecycle lifecycle, ProxySettings settings)
    {
        _lifecycle = lifecycle;
        _limit = settings.MetricsPerStreamLimit;
        if (_limit <= 0)
        {
            return;
        }

        var meter = metrics.Meter;
        meter.CreateObservableGauge("m3u_proxy.stream.clients", () => Each(s => s.ClientCount), description: "Clients of one stream.");
        meter.CreateObservableCounter("m3u_proxy.stream.served", () => Each(s => s.TotalBytesServed), "By", "Bytes sent to the clients of one stream.");
        meter.CreateObservableGauge("m3u_proxy.stream.source_position", () => Each(s => s.Failover.Index + 1), description: "Which source one stream plays: 0 its primary URL, n its n-th failover URL.");
        meter.CreateObservableGauge("m3u_proxy.stream.info", Info, description: "Always 1 per stream, labelled with its kind, provider (host:port) and source_state.");
    }

    private IEnumerable<StreamRecord> Selected()
        => _lifecycle.StreamSnapshot()
            .Where(s => !s.Definition.IsVariant)
            .OrderByDescending(s => s.ClientCount)
            .ThenByDescending(s => s.TotalBytesServed)
            .ThenBy(s => s.Id, StringComparer.Ordinal)
            .Take(_limit);

    private IEnumerable<Measurement<long>> Each(Func<StreamRecord, long> value)
        => Selected().Select(s => new Measurement<long>(value(s), new KeyValuePair<string, object?>("stream_id", s.Id)));

    private IEnumerable<Measurement<int>> Info()
        => Selected().Select(s => new Measurement<int>(
            1,
            new("stream_id", s.Id),
            new("kind", s.Definition.Kind switch { StreamKind.Hls => "hls", StreamKind.Vod => "vod", _ => "live" }),
            new("provider", Provider(s.EffectiveUrl)),
            new("state", s.Failover.SourceState.WireName())));

    private static string Provider(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? $"{uri.IdnHost}:{uri.Port}" : "unknown";
}
