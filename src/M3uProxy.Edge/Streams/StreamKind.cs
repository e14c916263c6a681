namespace M3uProxy.Edge.Streams;

/// <summary>How a stream is delivered (seed-spec §4.2).</summary>
internal enum StreamKind
{
    /// <summary>An HLS playlist, rewritten and served through <c>/hls/{id}/…</c>.</summary>
    Hls,

    /// <summary>A file with a length: one upstream request per client request, ranges pass through.</summary>
    Vod,

    /// <summary>An endless byte stream (live MPEG-TS): one upstream shared by every viewer.</summary>
    LiveContinuous,

    /// <summary>A transcoder writing HLS into its own folder, served through <c>/hls/{id}/…</c> by opaque names.</summary>
    TranscodedHls,
}
