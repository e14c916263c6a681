using System.Diagnostics.Metrics;
using M3uProxy.Edge.FanOut;
using M3uProxy.Edge.Lifecycle;
using M3uProxy.Edge.Streams;

namespace M3uProxy.Edge.Metrics;

/// <summary>
/// Observable instruments that read the core's live state when <c>/metrics</c> is scraped: segments
/// served and stream errors since start, streams, clients, live channels, their viewers' lag and what
/// each carries.
/// Features above the core register their own (<see cref="IGaugeSet"/>).
/// </summary>
internal sealed class ProxyGauges : IGaugeSet
{
    public ProxyGauges(ProxyMetrics metrics, StreamLifecycle lifecycle, LiveChannelRegistry channels, FanOutMemory bufferMemory, ServedTotals totals)
    {
        var meter = metrics.Meter;
        meter.CreateObservableCounter("m3u_proxy.segments.served", () => totals.Segments, description: "HLS segments served since start.");
        meter.CreateObservableCounter("m3u_proxy.stream.errors", () => totals.Errors, description: "Upstream errors counted against streams (connects, playlists, segments, VOD) since start.");
        meter.CreateObservableGauge("m3u_proxy.streams", () => lifecycle.StreamSnapshot().Count(s => !s.Definition.IsVariant), description: "Streams registered.");
        meter.CreateObservableGauge("m3u_proxy.streams.active", () => lifecycle.StreamSnapshot().Count(s => !s.Definition.IsVariant && s.ClientCount > 0), description: "Streams with at least one client.");
        meter.CreateObservableGauge("m3u_proxy.clients", () => lifecycle.ClientSnapshot().Count(c => c.IsConnected), description: "Connected clients.");
        meter.CreateObservableGauge("m3u_proxy.live.channels", () => channels.FanOutSnapshot().Channels, description: "Live channels with an open upstream.");
        meter.CreateObservableGauge("m3u_proxy.fanout.lag", () => channels.FanOutSnapshot().MaxLagBytes, "By", "Largest distance of a live viewer behind its channel's upstream.");
        meter.CreateObservableGauge("m3u_proxy.stream.media_bitrate_kbps", () => channels.MediaInfos().Select(m => new Measurement<int>(m.Info.BitrateKbps ?? 0, MediaTags(m.StreamId, m.Info))), description: "What each live channel carries (read from its bytes): its multiplex bitrate, labelled with codecs and resolution (one series per running channel).");
        meter.CreateObservableGauge("m3u_proxy.fanout.memory", () => bufferMemory.BytesInUse, "By", "Memory the live channels' shared buffers hold (LIVE_BUFFER_MEMORY_LIMIT caps it).");
        meter.CreateObservableGauge("m3u_proxy.fanout.free", () => bufferMemory.FreeBytes, "By", "Free chunks kept for the live channels' next rents; given back once the process is quiet.");
        meter.CreateObservableCounter("m3u_proxy.fanout.memory_cuts", () => bufferMemory.ReadersCut, description: "Lagging viewers moved forward or dropped because buffer memory reached its ceiling.");
    }

    private static KeyValuePair<string, object?>[] MediaTags(string streamId, Media.MpegTs.MediaInfo info) =>
    [
        new("stream_id", streamId),
        new("video_codec", info.Video?.Codec ?? ""),
        new("resolution", info.Video is { Width: > 0 } ? info.Resolution : ""),
        new("audio_codec", info.Audio?.Codec ?? ""),
    ];
}
