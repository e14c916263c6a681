using System.Buffers;
using System.Collections.Concurrent;

namespace M3uProxy.Edge.Hosting;

/// <summary>
/// Kestrel's socket and pipe buffers: 16 KiB blocks, reused as Kestrel's own pool does, except that
/// blocks nobody needed for a while go back to the GC within seconds. Kestrel's pool gives back 5 %
/// of its free blocks per 10 s, so a burst of a thousand viewers (64 KiB of response pipe each)
/// stayed resident for minutes (issue #14). Unlike Kestrel's, the blocks are ordinary arrays, not
/// pinned ones: the pinned object heap is never compacted, so released blocks left holes between
/// the ones still in use and the memory stayed resident (measured: 32 MB of holes after the
/// burst). On Linux a socket operation pins its buffer only for the system call.
/// <see cref="Trim"/> releases the blocks that stayed free since the previous call (above a small
/// reserve): nobody needed them for that long. Under steady traffic that low-water mark is small.
/// 16 KiB, not Kestrel's 4 KiB: a send of a 64 KiB fan-out chunk spans four blocks instead of sixteen,
/// and the runtime's <c>sendmsg</c> pins up to eight buffers with stack memory but allocates two arrays
/// per send above that (an <c>IOVector[]</c> and a <c>GCHandle[]</c>: 400 bytes per chunk sent, measured).
/// Direct live responses keep what a full socket refused in a pool of 64 KiB blocks (a fan-out chunk).
/// </summary>
internal sealed class ReleasingBlockPool : MemoryPool<byte>
{
    public const int KestrelBlockSize = 16 * 1024;

    /// <summary>Free blocks always kept (256 KiB), so a quiet server still answers without allocating.</summary>
    public const int Reserve = 16;

    private readonly ConcurrentQueue<Block> _free = new();
    private int _freeCount;
    private int _lowWater;
    private int _made;
    private int _released;
    private volatile bool _disposed;

    public ReleasingBlockPool(int blockSize = KestrelBlockSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        BlockSize = blockSize;
    }

    public int BlockSize { get; }

    public override int MaxBufferSize => BlockSize;

    /// <summary>Free blocks held for the next rent.</summary>
    public int FreeBlocks => Volatile.Read(ref _freeCount);

    /// <summary>Blocks rented out now (made, minus released, minus free: nothing counted per rent).</summary>
    public int BlocksInUse => Volatile.Read(ref _made) - Volatile.Read(ref _released) - FreeBlocks;

    public bool IsDisposed => _disposed;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_free.TryDequeue(out var block))
        {
            var left = Interlocked.Decrement(ref _freeCount);
            // A racy minimum is good enough: it only decides how many blocks the next trim may release.
            if (left < Volatile.Read(ref _lowWater))
            {
                Volatile.Write(ref _lowWater, left);
            }

            return block;
        }

        Volatile.Write(ref _lowWater, 0);
        Interlocked.Increment(ref _made);
        return new Block(this);
    }

    /// <summary>Releases the blocks that stayed free since the previous trim, above <see cref="Reserve"/>; returns the bytes released.</summary>
    public long Trim()
    {
        var idle = Interlocked.Exchange(ref _lowWater, Volatile.Read(ref _freeCount));
        var release = Math.Min(idle, Volatile.Read(ref _freeCount) - Reserve);
        var released = 0;
        while (released < release && _free.TryDequeue(out _))
        {
            Interlocked.Decrement(ref _freeCount);
            released++;
        }

        Volatile.Write(ref _lowWater, Math.Min(Volatile.Read(ref _lowWater), Volatile.Read(ref _freeCount)));
        Interlocked.Add(ref _released, released);
        return (long)released * BlockSize;
    }

    private void Return(Block block)
    {
        if (_disposed)
        {
            return;
        }

        _free.Enqueue(block);
        Interlocked.Increment(ref _freeCount);
    }

    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        _free.Clear();
        Volatile.Write(ref _freeCount, 0);
    }

    private sealed class Block : IMemoryOwner<byte>
    {
        private readonly ReleasingBlockPool _pool;

        public Block(ReleasingBlockPool pool)
        {
            _pool = pool;
            Memory = GC.AllocateUninitializedArray<byte>(pool.BlockSize);
        }

        public Memory<byte> Memory { get; }

        public void Dispose() => _pool.Return(this);
    }
}
