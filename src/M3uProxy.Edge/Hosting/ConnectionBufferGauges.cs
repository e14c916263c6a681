using M3uProxy.Edge.Metrics;

namespace M3uProxy.Edge.Hosting;

/// <summary>
/// Kestrel's buffer memory on <c>/metrics</c>: what its connections' pipes and sockets hold now, with
/// what direct live responses keep for sockets that were full (the bytes on their way to each client,
/// beside the fan-out's shared chunks), and the free blocks kept
/// for the next connection until <see cref="IdleMemoryRelease"/> trims them.
/// </summary>
internal sealed class ConnectionBufferGauges : IGaugeSet
{
    public ConnectionBufferGauges(ProxyMetrics metrics, ReleasingBlockPools pools)
    {
        var meter = metrics.Meter;
        meter.CreateObservableGauge("m3u_proxy.connection_buffers.memory", () => pools.BytesInUse, "By", "Memory the client connections' send and receive buffers hold (Kestrel's pipes and sockets, and what direct live responses keep for a full socket).");
        meter.CreateObservableGauge("m3u_proxy.connection_buffers.free", () => pools.FreeBytes, "By", "Free connection buffers kept for reuse; given back within seconds when not needed.");
    }
}
