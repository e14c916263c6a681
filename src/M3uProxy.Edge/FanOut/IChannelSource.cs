namespace M3uProxy.Edge.FanOut;

/// <summary>
/// Decides what a live channel reads next. The channel asks again whenever a source ends or
/// fails; the answer is a new source (a reconnect, a failover) or null (the channel ends).
/// This is where retry and failover policy plugs in, without touching the fan-out.
/// </summary>
internal interface IChannelSource : IDisposable
{
    /// <param name="previous">Why the last source stopped; null on the first call.</param>
    /// <param name="cancellationToken">Cancelled when the channel stops.</param>
    ValueTask<IByteSource?> OpenNextAsync(SourceStop? previous, CancellationToken cancellationToken);

    /// <summary>The last failure seen (a refused connect, an error status), so a viewer waiting for the first byte learns why none came.</summary>
    Exception? LastError { get; }
}

/// <summary>Why a byte source stopped giving bytes.</summary>
internal sealed record SourceStop(SourceStopKind Kind, Exception? Error = null);

internal enum SourceStopKind
{
    /// <summary>The source returned end-of-stream.</summary>
    Ended,

    /// <summary>Reading failed (connection reset, dropped).</summary>
    Failed,
}
