using System.Diagnostics.Metrics;
using M3uProxy.Edge.Metrics;

namespace M3uProxy.Edge.Upstream;

/// <summary>The upstream client's gauges: responses being read, and per provider the bytes read and the responses open.</summary>
internal sealed class UpstreamGauges : IGaugeSet
{
    public UpstreamGauges(ProxyMetrics metrics, UpstreamClient upstream)
    {
        var meter = metrics.Meter;
        meter.CreateObservableGauge(ProxyMetrics.UpstreamConnectionsName, () => upstream.OpenResponses, description: "Upstream responses being read (live sources, VOD and segment transfers).");
        meter.CreateObservableCounter("m3u_proxy.upstream.read", () => upstream.Traffic.Snapshot().Select(p => new Measurement<long>(p.BytesRead, Provider(p))), "By", "Body bytes read from upstreams, per provider (host:port asked, before redirects); served / read is the sharing ratio.");
        meter.CreateObservableGauge("m3u_proxy.upstream.open", () => upstream.Traffic.Snapshot().Select(p => new Measurement<int>(p.Open, Provider(p))), description: "Upstream responses open now, per provider (host:port asked): compare with the provider's connection limit.");
    }

    private static KeyValuePair<string, object?> Provider(ProviderTraffic.Provider provider) => new("provider", provider.Name);
}
