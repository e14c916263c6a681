namespace M3uProxy.Edge.FanOut;

/// <summary>
/// The chunks of a <see cref="FanOutBuffer"/>: chunk <c>n</c> (bytes <c>n × ChunkSize</c> onwards)
/// lives in slot <c>n % slots</c> from the moment the writer first needs it until the slowest reader,
/// the join burst and the lag floor have all passed it; then it goes back to <see cref="FanOutMemory"/>.
/// Readers look chunks up without a lock and check afterwards (<see cref="IsIntact"/>) that theirs
/// was not released meanwhile; renting, releasing and joining run under <see cref="_gate"/>.
/// </summary>
internal sealed partial class FanOutBuffer
{
    private readonly FanOutMemory _memory;
    private readonly byte[]?[] _slots;
    private readonly Lock _gate = new();

    // Chunks [_firstChunk, _nextChunk) are held; written under the gate.
    private long _firstChunk;
    private long _nextChunk;

    // Bytes below this were (or are being) returned to the pool: a copy from there may be torn.
    private long _released;

    // Raised by the memory ceiling: readers below it lag, whatever the capacity allows.
    private long _cutFloor = long.MinValue / 2;
    private bool _disposed;

    /// <summary>Bytes of chunks this buffer holds right now.</summary>
    public long BytesHeld
    {
        get
        {
            lock (_gate)
            {
                return (_nextChunk - _firstChunk) * ChunkSize;
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            Interlocked.Exchange(ref _released, long.MaxValue);
            ReleaseChunksBelow(_nextChunk);
        }

        _memory.Unregister(this);
    }

    /// <summary>Readers below this position (plus the safety margin) lag: the writer is a buffer ahead, or the ceiling cut them.</summary>
    private long LagFloor() => Math.Max(Volatile.Read(ref _reserved) - _capacity, Volatile.Read(ref _cutFloor));

    private byte[]? ChunkAt(long position) => Volatile.Read(ref _slots[position / ChunkSize % _slots.Length]);

    /// <summary>The chunk the writer writes at <paramref name="position"/>, rented when it is a new one.</summary>
    private byte[] WritableChunk(long position)
    {
        var number = position / ChunkSize;
        if (number < _nextChunk)
        {
            return ChunkAt(position)!;
        }

        // Rented before taking the lock: renting may reclaim memory from any buffer, this one too.
        var chunk = _memory.Rent();
        lock (_gate)
        {
            // The slot's previous chunk (a whole ring behind) is below the lag floor by now; make sure.
            ReleasePassedChunks(keepHistory: true, firstToKeep: number - _slots.Length + 1);
            Volatile.Write(ref _slots[number % _slots.Length], chunk);
            _nextChunk = number + 1;
        }

        return chunk;
    }

    /// <summary>
    /// Returns the chunks nobody needs: below every reader (or below the lag floor, for readers that
    /// lag anyway) and below the join burst's recent bytes while the channel keeps them. Never the
    /// chunk holding the live edge, where the writer and its held-back bytes are. Under the gate.
    /// </summary>
    private void ReleasePassedChunks(bool keepHistory, long firstToKeep = 0)
    {
        if (_disposed)
        {
            return;
        }

        var published = Volatile.Read(ref _published);
        var lagFloor = LagFloor();
        var keepFrom = long.MaxValue;
        foreach (var reader in _readers)
        {
            // A reader below the lag floor will be moved forward (or dropped) before it reads again.
            var position = reader.Position;
            if (position >= lagFloor)
            {
                keepFrom = Math.Min(keepFrom, position);
            }
        }

        if (keepHistory && KeepsHistory())
        {
            keepFrom = Math.Min(keepFrom, HistoryStart(published));
        }

        var bound = Math.Min(Math.Max(lagFloor, keepFrom), published);
        ReleaseChunksBelow(Math.Max(bound / ChunkSize, firstToKeep));
    }

    // The join burst, or the latest keyframe when it is further back and still readable by a joiner.
    private long HistoryStart(long published)
    {
        var burstStart = published - _historyBytes;
        var keyframe = Volatile.Read(ref _retainFrom);
        return keyframe < burstStart && published - keyframe <= _maxRetained ? keyframe : burstStart;
    }

    // Recent bytes are kept for joiners while the upstream sets the pace (readers wait for it more
    // often than the writer waits for them), not for a file read faster than it is watched.
    private bool KeepsHistory()
        => (_historyBytes > 0 || Volatile.Read(ref _retainFrom) != long.MaxValue) && Volatile.Read(ref _paceScore) > 0 && _memory.HistoryAllowed;

    private void ReleaseChunksBelow(long firstToKeep)
    {
        var last = Math.Min(firstToKeep, _nextChunk);
        if (last <= _firstChunk)
        {
            return;
        }

        // Announce first, then hand the chunks back: a reader that copied from one checks this after its copy.
        InterlockedMax(ref _released, last * ChunkSize);
        for (var number = _firstChunk; number < last; number++)
        {
            ref var slot = ref _slots[number % _slots.Length];
            var chunk = Interlocked.Exchange(ref slot, null);
            if (chunk is not null)
            {
                _memory.Return(chunk);
            }
        }

        _firstChunk = last;
    }

    // ---- the memory ceiling (called by FanOutMemory, from another channel's writer) -----------------

    /// <summary>Releases the chunks kept only for join bursts.</summary>
    internal void DropHistory()
    {
        lock (_gate)
        {
            ReleasePassedChunks(keepHistory: false);
        }
    }

    /// <summary>
    /// How far the slowest reader that still holds chunks is behind the writer, when it does not keep
    /// up (more than the safety margin and two chunks behind); 0 when every reader keeps up.
    /// </summary>
    internal long LaggiestHoldingLag()
    {
        var floor = LagFloor() + _safetyMargin;
        var slowest = long.MaxValue;
        foreach (var reader in _readers)
        {
            var position = reader.Position;
            if (position >= floor && position < slowest)
            {
                slowest = position;
            }
        }

        if (slowest == long.MaxValue)
        {
            return 0;
        }

        var lag = Volatile.Read(ref _reserved) - slowest;
        return lag > _safetyMargin + (2 * ChunkSize) ? lag : 0;
    }

    /// <summary>Moves the lag floor past the slowest reader's chunk and releases what it held; false when nobody lags.</summary>
    internal bool CutLaggiest()
    {
        lock (_gate)
        {
            var lag = LaggiestHoldingLag();
            if (lag == 0 || _disposed)
            {
                return false;
            }

            var slowest = Volatile.Read(ref _reserved) - lag;
            InterlockedMax(ref _cutFloor, ((slowest / ChunkSize) + 1) * ChunkSize);
            ReleasePassedChunks(keepHistory: false);
            return true;
        }
    }
}
