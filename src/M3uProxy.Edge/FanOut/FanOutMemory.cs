namespace M3uProxy.Edge.FanOut;

/// <summary>
/// The chunk memory of every live channel's buffer, under one ceiling (<c>LIVE_BUFFER_MEMORY_LIMIT</c>).
/// Buffers rent chunks as their writer needs them and give them back as their slowest reader
/// passes them, so memory follows how far viewers lag, not how many channels run. When a rent would
/// pass the ceiling, memory is taken back where it hurts nobody first: the recent bytes kept only
/// for join bursts, then the chunks held for the readers lagging furthest behind their channel,
/// whichever channel that is (those readers are moved forward or cut, by the slow-client policy).
/// </summary>
internal sealed class FanOutMemory
{
    /// <summary>No ceiling: for buffers built outside the host (tools, tests of other parts).</summary>
    public static readonly FanOutMemory Unlimited = new(long.MaxValue);

    // Bounds the reclaim loop: each round cuts at least one reader, so this is never reached in practice.
    private const int MaxCutsPerReclaim = 1_000;

    private readonly Lock _freeGate = new();

    // Chunks given back, kept for the next rents until the process goes quiet (IdleMemoryRelease
    // then lets the GC have them). They are pinned: one dropped to the GC stays resident until a
    // full collection, and a new burst (200 downloads ending, 200 more starting) then allocated 22 MB
    // of new chunks beside 22 MB of dead ones (97 instead of 67 MB) where it can take the same ones back.
    // Never more than were once in use at the same time: only chunks in use come back.
    private readonly Stack<byte[]> _free = new();
    private readonly Lock _buffersGate = new();
    private readonly Lock _reclaimGate = new();
    private FanOutBuffer[] _buffers = [];
    private long _inUse;
    private long _readersCut;

    public FanOutMemory(long limitBytes)
    {
        LimitBytes = Math.Max(limitBytes, FanOutBuffer.ChunkSize);
    }

    public long LimitBytes { get; }

    /// <summary>Bytes of chunks held by live channels' buffers right now.</summary>
    public long BytesInUse => Interlocked.Read(ref _inUse);

    /// <summary>Bytes of free chunks kept for the next rents (until the process goes quiet).</summary>
    public long FreeBytes
    {
        get
        {
            lock (_freeGate)
            {
                return (long)_free.Count * FanOutBuffer.ChunkSize;
            }
        }
    }

    /// <summary>Times the ceiling moved a lagging reader's floor forward (it was then skipped or cut).</summary>
    public long ReadersCut => Interlocked.Read(ref _readersCut);

    /// <summary>Buffers keep recent bytes for join bursts only while memory is below three quarters of the ceiling.</summary>
    internal bool HistoryAllowed => BytesInUse <= LimitBytes - (LimitBytes / 4);

    internal byte[] Rent()
    {
        if (Interlocked.Add(ref _inUse, FanOutBuffer.ChunkSize) > LimitBytes)
        {
            Reclaim();
        }

        lock (_freeGate)
        {
            if (_free.TryPop(out var chunk))
            {
                return chunk;
            }
        }

        // Pinned: never moved by a compacting collection, and sockets read and write it in place.
        return GC.AllocateUninitializedArray<byte>(FanOutBuffer.ChunkSize, pinned: true);
    }

    internal void Return(byte[] chunk)
    {
        Interlocked.Add(ref _inUse, -FanOutBuffer.ChunkSize);
        lock (_freeGate)
        {
            _free.Push(chunk);
        }
    }

    /// <summary>
    /// Lets the GC have the free chunks kept for the next rent (when the process has gone quiet
    /// after a burst: they are pinned, and held for ever they keep the pinned heap from shrinking).
    /// Returns the bytes let go.
    /// </summary>
    public long ReleaseFree()
    {
        lock (_freeGate)
        {
            var released = (long)_free.Count * FanOutBuffer.ChunkSize;
            _free.Clear();
            _free.TrimExcess();
            return released;
        }
    }

    internal void Register(FanOutBuffer buffer)
    {
        lock (_buffersGate)
        {
            _buffers = [.. _buffers, buffer];
        }
    }

    internal void Unregister(FanOutBuffer buffer)
    {
        lock (_buffersGate)
        {
            _buffers = [.. _buffers.Where(b => !ReferenceEquals(b, buffer))];
        }
    }

    // Runs on the writer that passed the ceiling, holding no buffer's lock (it takes them one at a time).
    private void Reclaim()
    {
        lock (_reclaimGate)
        {
            var buffers = Volatile.Read(ref _buffers);
            foreach (var buffer in buffers)
            {
                if (!IsOverLimit)
                {
                    return;
                }

                buffer.DropHistory();
            }

            for (var round = 0; round < MaxCutsPerReclaim && IsOverLimit; round++)
            {
                FanOutBuffer? laggiest = null;
                long worst = 0;
                foreach (var buffer in buffers)
                {
                    var lag = buffer.LaggiestHoldingLag();
                    if (lag > worst)
                    {
                        worst = lag;
                        laggiest = buffer;
                    }
                }

                // Nobody lags: what is left is every channel's working set, which the ceiling does not starve.
                if (laggiest is null || !laggiest.CutLaggiest())
                {
                    return;
                }

                Interlocked.Increment(ref _readersCut);
            }
        }
    }

    private bool IsOverLimit => BytesInUse > LimitBytes;
}
