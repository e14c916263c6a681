namespace M3uProxy.Edge.FanOut;

/// <summary>
/// Bytes for a live channel: an upstream HTTP body today, an ffmpeg process's stdout or a relay
/// from another instance later. Reads return 0 at the end; disposing releases the source.
/// </summary>
internal interface IByteSource : IAsyncDisposable
{
    /// <summary>Where the bytes come from, for logs (credentials masked).</summary>
    string Description { get; }

    /// <summary>
    /// True when <see cref="WaitForDataAsync"/> really waits until a read would return at once (bytes
    /// or the end), without a buffer: the pump may then read straight into the fan-out buffer, since
    /// it holds no write memory while the upstream is quiet. Sources that cannot tell are read through
    /// a staging chunk. May change as the source goes on (a body still being sniffed says false).
    /// </summary>
    bool CanWaitForData => false;

    ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>Waits for bytes (or the end) to be ready to read; only called while <see cref="CanWaitForData"/> is true.</summary>
    ValueTask WaitForDataAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
