namespace M3uProxy.Edge.Streams;

/// <summary>Where a live stream's source is in its life: the states of the retry and failover state machine (<c>source_state</c> in stream stats).</summary>
internal enum SourceState
{
    /// <summary>Opening the current URL.</summary>
    Connecting,

    /// <summary>Bytes are flowing.</summary>
    Streaming,

    /// <summary>The current URL failed; waiting before trying it again.</summary>
    Retrying,

    /// <summary>Retries are spent; moving to the next source.</summary>
    FailingOver,

    /// <summary>Nothing works: the stream ends with <c>stream_failed</c>.</summary>
    Failed,
}

internal static class SourceStateNames
{
    /// <summary>The wire value of <c>source_state</c>: <c>idle</c> when no live source runs.</summary>
    public static string WireName(this SourceState? state) => state switch
    {
        SourceState.Connecting => "connecting",
        SourceState.Streaming => "streaming",
        SourceState.Retrying => "retrying",
        SourceState.FailingOver => "failing_over",
        SourceState.Failed => "failed",
        _ => "idle",
    };
}
