using M3uProxy.Edge.Clients;
using M3uProxy.Edge.Streams;

namespace M3uProxy.Edge.Metrics;

/// <summary>
/// Where bytes sent to a client are counted: the client, its stream and the metrics. Every
/// delivery loop is handed one, so no kind of delivery (live, VOD, HLS segments, and later
/// transcoded or broadcast output) can count in one place and forget another. A struct of
/// references: handing it to a loop allocates nothing.
/// </summary>
internal readonly struct ServedBytes
{
    private readonly ClientRecord? _client;
    private readonly StreamRecord? _stream;
    private readonly ProxyMetrics? _metrics;
    private readonly TimeProvider _time;

    // The client is null when none is registered, the stream when it is gone (a segment of a reaped stream).
    public ServedBytes(ClientRecord? client, StreamRecord? stream, ProxyMetrics metrics, TimeProvider time)
    {
        _client = client;
        _stream = stream;
        _metrics = metrics;
        _time = time;
    }

    /// <summary>Bytes that reach no viewer (a transcoder reading its own source over loopback): counted nowhere.</summary>
    public static ServedBytes Uncounted => default;

    public void Add(long count)
    {
        _client?.AddBytes(count, _time.GetUtcNow());
        _stream?.AddBytes(count);
        _metrics?.BytesServed(count);
    }
}
