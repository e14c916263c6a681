using System.Buffers;
using Microsoft.AspNetCore.Connections;

namespace M3uProxy.Edge.Hosting;

/// <summary>
/// Kestrel asks this factory (registered in place of ASP.NET's own) for its memory pools, so its
/// buffers come from <see cref="ReleasingBlockPool"/>s that <see cref="IdleMemoryRelease"/> trims.
/// </summary>
internal sealed class ReleasingBlockPools : IMemoryPoolFactory<byte>
{
    private readonly Lock _gate = new();
    private ReleasingBlockPool[] _pools = [];

    public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => Create(ReleasingBlockPool.KestrelBlockSize);

    /// <summary>A pool of <paramref name="blockSize"/> blocks, trimmed and counted with Kestrel's.</summary>
    public ReleasingBlockPool Create(int blockSize)
    {
        var pool = new ReleasingBlockPool(blockSize);
        lock (_gate)
        {
            _pools = [.. _pools.Where(p => !p.IsDisposed), pool];
        }

        return pool;
    }

    /// <summary>Pools created and not disposed (Kestrel makes one per transport and listener).</summary>
    public int Count => Volatile.Read(ref _pools).Count(p => !p.IsDisposed);

    /// <summary>Bytes of blocks rented out by every pool (in Kestrel's pipes and sockets, and direct responses' buffers).</summary>
    public long BytesInUse => Volatile.Read(ref _pools).Where(p => !p.IsDisposed).Sum(p => (long)p.BlocksInUse * p.BlockSize);

    /// <summary>Bytes of free blocks held by every pool.</summary>
    public long FreeBytes => Volatile.Read(ref _pools).Sum(p => (long)p.FreeBlocks * p.BlockSize);

    /// <summary>Trims every pool; returns the bytes given back to the GC.</summary>
    public long Trim()
    {
        long released = 0;
        foreach (var pool in Volatile.Read(ref _pools))
        {
            released += pool.Trim();
        }

        return released;
    }
}
