using System.Buffers;

namespace M3uProxy.Edge.Hls;

/// <summary>Passes writes through to another buffer writer and counts the bytes, for the bytes-served metric.</summary>
internal sealed class CountingBufferWriter : IBufferWriter<byte>
{
    private readonly IBufferWriter<byte> _inner;

    public CountingBufferWriter(IBufferWriter<byte> inner) => _inner = inner;

    public long Written { get; private set; }

    public void Advance(int count)
    {
        _inner.Advance(count);
        Written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0) => _inner.GetMemory(sizeHint);

    public Span<byte> GetSpan(int sizeHint = 0) => _inner.GetSpan(sizeHint);
}
