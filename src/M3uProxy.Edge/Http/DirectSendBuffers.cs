using System.Buffers;

namespace M3uProxy.Edge.Http;

/// <summary>
/// Where <see cref="DirectChunkedResponse"/>s keep what a viewer's full socket refused: blocks of a
/// fan-out chunk with its framing, from a pool that gives them back after a burst and counts them on
/// <c>/metrics</c> with Kestrel's buffers (<c>Hosting/ReleasingBlockPools</c>).
/// </summary>
internal sealed class DirectSendBuffers(MemoryPool<byte> pool)
{
    /// <summary>A fan-out chunk (65,424 bytes) with its chunk framing fits.</summary>
    public const int BufferSize = 64 * 1024;

    public MemoryPool<byte> Pool { get; } = pool;
}
