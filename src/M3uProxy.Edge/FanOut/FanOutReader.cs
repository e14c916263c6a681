namespace M3uProxy.Edge.FanOut;

/// <summary>One viewer's cursor into a <see cref="FanOutBuffer"/>: a position and a wake-up signal, nothing copied.</summary>
internal sealed class FanOutReader
{
    private long _position;
    private long _skippedBytes;
    private int _skips;

    internal FanOutReader(long position) => _position = position;

    /// <summary>The absolute stream position of the next byte this reader will send (read by the writer to release chunks).</summary>
    internal long Position
    {
        get => Volatile.Read(ref _position);
        set => Volatile.Write(ref _position, value);
    }

    internal AsyncSignal Signal { get; } = new();

    /// <summary>Waits until the writer publishes more bytes (or the buffer completes).</summary>
    public ValueTask WaitForDataAsync(CancellationToken cancellationToken) => Signal.WaitAsync(cancellationToken);

    /// <summary>Bytes jumped over because this reader fell behind the buffer.</summary>
    public long SkippedBytes => Interlocked.Read(ref _skippedBytes);

    public int Skips => Volatile.Read(ref _skips);

    internal void RecordSkip(long bytes)
    {
        Interlocked.Add(ref _skippedBytes, bytes);
        Interlocked.Increment(ref _skips);
    }
}
