using System.Diagnostics.Metrics;
using M3uProxy.Edge.FanOut;
using M3uProxy.Edge.Lifecycle;
using M3uProxy.Edge.Streams;
using M3uProxy.Edge.Upstream;
using M3uProxy.Edge.Webhooks;

namespace M3uProxy.Edge.Metrics;

/// <summary>
/// Observable instruments that read live state when <c>/metrics</c> is scraped: streams,
/// clients, upstream connections, live channels and their viewers' lag, webhook queues.
/// </summary>
internal sealed class ProxyGauges
{
    public ProxyGauges(ProxyMetrics metrics, StreamLifecycle lifecycle, UpstreamClient upstream, LiveChannelRegistry channels, FanOutMemory bufferMemory, WebhookRegistry webhooks, ServedTotals totals)
    {
        var meter = metrics.Meter;
        meter.CreateObservableCounter("m3u_proxy.segments.served", () => totals.Segments, description: "HLS segments served since start.");
        meter.CreateObservableCounter("m3u_proxy.stream.errors", () => totals.Errors, description: "Upstream errors counted against streams (connects, playlists, segments, VOD) since start.");
        meter.CreateObservableCounter("m3u_proxy.upstream.read", () => upstream.Traffic.Snapshot().Select(p => new Measurement<long>(p.BytesRead, Provider(p))), "By", "Body bytes read from upstreams, per provider (host:port asked, before redirects); served / read is the sharing ratio.");
        meter.CreateObservableGauge("m3u_proxy.upstream.open", () => upstream.Traffic.Snapshot().Select(p => new Measurement<int>(p.Open, Provider(p))), description: "Upstream responses open now, per provider (host:port asked): compare with the provider's connection limit.");
        meter.CreateObservableGauge("m3u_proxy.streams", () => lifecycle.Streams.Snapshot().Count(s => !s.Definition.IsVariant), description: "Streams registered.");
        meter.CreateObservableGauge("m3u_proxy.streams.active", () => lifecycle.Streams.Snapshot().Count(s => !s.Definition.IsVariant && s.ClientCount > 0), description: "Streams with at least one client.");
        meter.CreateObservableGauge("m3u_proxy.clients", () => lifecycle.Clients.Snapshot().Count(c => c.IsConnected), description: "Connected clients.");
        meter.CreateObservableGauge("m3u_proxy.upstream.connections", () => upstream.OpenResponses, description: "Upstream responses being read (live sources, VOD and segment transfers).");
        meter.CreateObservableGauge("m3u_proxy.live.channels", () => channels.FanOutSnapshot().Channels, description: "Live channels with an open upstream.");
        meter.CreateObservableGauge("m3u_proxy.fanout.lag", () => channels.FanOutSnapshot().MaxLagBytes, "By", "Largest distance of a live viewer behind its channel's upstream.");
        meter.CreateObservableGauge("m3u_proxy.stream.media_bitrate_kbps", () => channels.MediaInfos().Select(m => new Measurement<int>(m.Info.BitrateKbps ?? 0, MediaTags(m.StreamId, m.Info))), description: "What each live channel carries (read from its bytes): its multiplex bitrate, labelled with codecs and resolution (one series per running channel).");
        meter.CreateObservableGauge("m3u_proxy.fanout.memory", () => bufferMemory.BytesInUse, "By", "Memory the live channels' shared buffers hold (LIVE_BUFFER_MEMORY_LIMIT caps it).");
        meter.CreateObservableCounter("m3u_proxy.fanout.memory_cuts", () => bufferMemory.ReadersCut, description: "Lagging viewers moved forward or dropped because buffer memory reached its ceiling.");
        meter.CreateObservableGauge("m3u_proxy.webhook.queue", () => webhooks.Snapshot().Select(w => new Measurement<int>(w.Pending, Tag(w))), description: "Events waiting for delivery, per webhook.");
        meter.CreateObservableCounter("m3u_proxy.webhook.dropped", () => webhooks.Snapshot().Select(w => new Measurement<long>(w.Dropped, Tag(w))), description: "Events dropped because a webhook's queue was full, per webhook.");
    }

    private static KeyValuePair<string, object?>[] MediaTags(string streamId, Media.MpegTs.MediaInfo info) =>
    [
        new("stream_id", streamId),
        new("video_codec", info.Video?.Codec ?? ""),
        new("resolution", info.Video is { Width: > 0 } ? info.Resolution : ""),
        new("audio_codec", info.Audio?.Codec ?? ""),
    ];

    private static KeyValuePair<string, object?> Provider(ProviderTraffic.Provider provider) => new("provider", provider.Name);

    private static KeyValuePair<string, object?> Tag(WebhookSubscriber webhook) => new("webhook", UrlMasking.Mask(webhook.Config.Url));
}
