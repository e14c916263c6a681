using M3uProxy.Edge.Metrics;

namespace M3uProxy.Edge.Upstream;

/// <summary>The upstream client's gauge: responses being read.</summary>
internal sealed class UpstreamGauges : IGaugeSet
{
    public UpstreamGauges(ProxyMetrics metrics, UpstreamClient upstream)
        => metrics.Meter.CreateObservableGauge(ProxyMetrics.UpstreamConnectionsName, () => upstream.OpenResponses, description: "Upstream responses being read (live sources, VOD and segment transfers).");
}
