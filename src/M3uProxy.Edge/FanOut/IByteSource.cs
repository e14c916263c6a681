namespace M3uProxy.Edge.FanOut;

/// <summary>
/// Bytes for a live channel: an upstream HTTP body today, an ffmpeg process's stdout or a relay
/// from another instance later. Reads return 0 at the end; disposing releases the source.
/// </summary>
internal interface IByteSource : IAsyncDisposable
{
    /// <summary>Where the bytes come from, for logs (credentials masked).</summary>
    string Description { get; }

    ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken);
}
