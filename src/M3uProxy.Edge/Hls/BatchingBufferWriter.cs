using System.Buffers;

namespace M3uProxy.Edge.Hls;

/// <summary>
/// Hands out slices of one large span of another buffer writer and advances it once per span, not
/// once per piece, counting the bytes (for the bytes-served metric). A playlist rewrite writes a few
/// small pieces per line, and a response body's writer takes a lock on every <c>GetSpan</c> and
/// <c>Advance</c> (Kestrel's <c>Http1OutputProducer</c>): per piece, that lock was the largest share
/// of a playlist request's CPU. Call <see cref="Commit"/> before flushing the inner writer.
/// </summary>
internal sealed class BatchingBufferWriter : IBufferWriter<byte>
{
    // One block of Kestrel's memory pool: a span this size costs the inner writer no extra copy.
    private const int MinimumWindow = 4096;

    private readonly IBufferWriter<byte> _inner;
    private Memory<byte> _window;
    private int _used;

    public BatchingBufferWriter(IBufferWriter<byte> inner) => _inner = inner;

    public long Written { get; private set; }

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _window.Length - _used);
        _used += count;
        Written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        var needed = Math.Max(sizeHint, 1);
        if (_window.Length - _used < needed)
        {
            Commit();
            _window = _inner.GetMemory(Math.Max(needed, MinimumWindow));
        }

        return _window[_used..];
    }

    public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    /// <summary>Advances the inner writer past what was written into the current span.</summary>
    public void Commit()
    {
        if (_used > 0)
        {
            _inner.Advance(_used);
        }

        _used = 0;
        _window = default;
    }
}
