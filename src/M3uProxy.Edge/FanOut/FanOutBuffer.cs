using System.Runtime.CompilerServices;
using M3uProxy.Edge.Media.MpegTs;

namespace M3uProxy.Edge.FanOut;

/// <summary>
/// The shared buffer of a live channel: a ring of pooled chunks that one writer (the upstream
/// pump) fills and any number of <see cref="FanOutReader"/>s read through their own cursors, so
/// one upstream serves every viewer with no per-viewer queue and no per-chunk allocation.
/// <list type="bullet">
/// <item>Memory follows the readers: chunks are rented from <see cref="FanOutMemory"/> as the writer
/// needs them and returned once the slowest reader has passed them, so a channel whose viewers keep up
/// holds a few chunks (plus the join burst's recent bytes), and only a spread between its readers
/// grows it, up to <c>LIVE_BUFFER_BYTES</c>.</item>
/// <item>Back-pressure: the writer stays at most one chunk ahead of the leading reader, so it runs
/// at the pace of the fastest viewer, and a single viewer of a finite file gets every byte.</item>
/// <item>Lag: a reader that falls a whole buffer behind the writer (or that the memory ceiling
/// cuts) is moved forward (to a PAT when one is near, else a packet boundary) or dropped, by policy;
/// the others keep their pace.</item>
/// <item>MPEG-TS framing: only whole 188-byte packets are published, and a new source (a reconnect
/// or a failover) starts on a packet boundary, so readers never see a torn packet.</item>
/// </list>
/// Streams that are not MPEG-TS (no sync bytes at the start) are passed through unframed.
/// </summary>
internal sealed partial class FanOutBuffer : IDisposable
{
    /// <summary>Whole TS packets that fit a 64 KiB pool bucket (348 × 188 = 65,424 bytes).</summary>
    public const int ChunkSize = TsPacket.Size * 348;

    /// <summary>How far the writer may run ahead of the leading reader: more would only hold memory, since the upstream's socket buffers already absorb jitter.</summary>
    private const long WriteAhead = ChunkSize;

    private readonly long _capacity;
    private readonly long _safetyMargin;
    private readonly long _historyBytes;

    // The most a source may hold back waiting for the next unit start before whole packets are
    // published anyway: a stream that never flags unit starts must still flow, and the writer must
    // never wait on readers for bytes they cannot see yet.
    private readonly long _maxHoldBack;
    private readonly AsyncSignal _writerSignal = new();
    private volatile FanOutReader[] _readers = [];

    // Writer-only state.
    private long _written;
    private long _scanned;
    private long _lastUnitStart;
    private long _lastWriterWait = long.MinValue / 2;
    private bool _needAlignment = true;
    private bool _framingKnown;
    private bool _isTransportStream = true;

    // Shared state: written by one side, read by the other with Volatile/Interlocked.
    private long _reserved;
    private long _published;
    private long _leader;
    private long _demand;
    private int _completion;
    private int _writerWaiting;

    public FanOutBuffer(long capacityBytes, long historyBytes = 0, FanOutMemory? memory = null)
    {
        var chunkCount = (int)Math.Max(4, (capacityBytes + ChunkSize - 1) / ChunkSize);
        _capacity = (long)chunkCount * ChunkSize;
        // Readers this close to being released count as lagging before they copy, so a copy in
        // progress is practically never overtaken (and is checked afterwards anyway).
        _safetyMargin = 2L * ChunkSize;
        _maxHoldBack = Math.Min(4L * ChunkSize, (_capacity - _safetyMargin) / 2);
        _historyBytes = Math.Clamp(historyBytes, 0, _capacity - _safetyMargin - ChunkSize);
        _memory = memory ?? FanOutMemory.Unlimited;
        _slots = new byte[]?[chunkCount + 2];
        _memory.Register(this);
    }

    public long Capacity => _capacity;

    /// <summary>Bytes published so far (the live edge).</summary>
    public long Published => Volatile.Read(ref _published);

    public int ReaderCount => _readers.Length;

    /// <summary>How far the slowest reader is behind the writer, in bytes (for stats and metrics).</summary>
    public long MaxReaderLag()
    {
        var published = Published;
        long lag = 0;
        foreach (var reader in _readers)
        {
            lag = Math.Max(lag, published - reader.Position);
        }

        return lag;
    }

    public bool IsTransportStream => _isTransportStream;

    // ---- writer side (one pump task) ------------------------------------------------------

    /// <summary>
    /// Starts a new source: a partial packet the previous source left unpublished is dropped, and
    /// the new bytes are aligned to their first packet before anything is published.
    /// </summary>
    public void BeginSource()
    {
        _written = Volatile.Read(ref _published);
        _scanned = _written;
        _lastUnitStart = _written;
        _needAlignment = true;
    }

    /// <summary>
    /// The next region the upstream may read into. Waits while the leading reader has not caught up
    /// (back-pressure); otherwise completes synchronously, without allocating.
    /// </summary>
    public ValueTask<Memory<byte>> GetWriteMemoryAsync(CancellationToken cancellationToken)
        => TryGetWriteMemory(out var memory) ? new ValueTask<Memory<byte>>(memory) : WaitForWriteMemoryAsync(cancellationToken);

    // Pooled builder: waiting for the leading reader must not allocate a state machine each time.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<Memory<byte>> WaitForWriteMemoryAsync(CancellationToken cancellationToken)
    {
        Memory<byte> memory;
        while (!TryGetWriteMemory(out memory))
        {
            // A full fence before reading the leader: a reader advancing meanwhile sees the flag.
            Interlocked.Exchange(ref _writerWaiting, 1);
            if (_readers.Length > 0 && WriteLimit() <= _written)
            {
                // Held back by the viewers: the upstream is faster than they are (a file), so
                // recent bytes need not be kept for a join burst — a joiner gets them at upstream speed.
                _lastWriterWait = _written;
                await _writerSignal.WaitAsync(cancellationToken);
            }

            Volatile.Write(ref _writerWaiting, 0);
        }

        return memory;
    }

    private bool TryGetWriteMemory(out Memory<byte> memory)
    {
        var offset = (int)(_written % ChunkSize);
        long length = ChunkSize - offset;
        if (_readers.Length > 0)
        {
            length = Math.Min(length, WriteLimit() - _written);
        }

        if (length <= 0)
        {
            memory = default;
            return false;
        }

        // Announce the region before bytes land in it: readers behind it by a buffer are stale.
        InterlockedMax(ref _reserved, _written + length);
        memory = WritableChunk(_written).AsMemory(offset, (int)length);
        return true;
    }

    /// <summary>Publishes <paramref name="count"/> bytes just read into <paramref name="region"/> (whole packets for TS).</summary>
    public void Commit(Memory<byte> region, int count)
    {
        if (count <= 0)
        {
            return;
        }

        if (_needAlignment && !Align(region.Span, ref count))
        {
            return;
        }

        _written += count;
        Publish(_isTransportStream ? PublishableTransportStream() : _written);
    }

    /// <summary>
    /// No more bytes will come: readers drain what is published, then end. A clean end also
    /// publishes the whole packets that were held back (the last frame of a file is complete).
    /// </summary>
    public void Complete(bool failed)
    {
        if (!failed)
        {
            Publish(_isTransportStream ? _written - (_written % TsPacket.Size) : _written);
        }

        Interlocked.CompareExchange(ref _completion, failed ? 2 : 1, 0);
        WakeReaders();
    }

    private void Publish(long publishable)
    {
        if (publishable > Volatile.Read(ref _published))
        {
            Volatile.Write(ref _published, publishable);
            WakeReaders();
        }
    }

    // Whole packets up to the last payload unit start; one flag byte read per new packet. Packets
    // never straddle chunks (the chunk size is a multiple of 188 and sources start on a boundary).
    private long PublishableTransportStream()
    {
        var whole = _written - (_written % TsPacket.Size);
        for (var position = _scanned; position < whole; position += TsPacket.Size)
        {
            if (TsPacket.IsPayloadUnitStart(ChunkAt(position)!, (int)(position % ChunkSize)))
            {
                _lastUnitStart = position;
            }
        }

        _scanned = whole;
        return whole - _lastUnitStart > _maxHoldBack ? whole : _lastUnitStart;
    }

    // ---- reader side (one task per viewer) --------------------------------------------------

    /// <summary>Adds a reader near the live edge, <paramref name="burstBytes"/> back, on a packet boundary.</summary>
    public FanOutReader AddReader(long burstBytes)
    {
        lock (_gate)
        {
            var reader = new FanOutReader(JoinPosition(burstBytes));
            InterlockedMax(ref _leader, reader.Position);
            _readers = [.. _readers, reader];
            return reader;
        }
    }

    /// <summary>
    /// Adds a reader at <paramref name="position"/> (a packet boundary the caller chose, e.g. a
    /// keyframe), or returns null when those bytes are no longer safely buffered or not yet published.
    /// </summary>
    public FanOutReader? TryAddReaderAt(long position)
    {
        lock (_gate)
        {
            if (position < OldestSafeJoin() || position > Volatile.Read(ref _published))
            {
                return null;
            }

            var reader = new FanOutReader(position);
            InterlockedMax(ref _leader, reader.Position);
            _readers = [.. _readers, reader];
            return reader;
        }
    }

    /// <summary>
    /// The published bytes at <paramref name="position"/>, up to the end of their chunk, for the
    /// writer's own thread (the scanner that follows each commit): what was just published is in
    /// the chunks at the live edge, which are never released under the writer.
    /// </summary>
    public ReadOnlySpan<byte> PublishedAt(long position)
    {
        var published = Volatile.Read(ref _published);
        var chunk = ChunkAt(position);
        if (position >= published || position < Volatile.Read(ref _released) || chunk is null)
        {
            return default;
        }

        var offset = (int)(position % ChunkSize);
        return chunk.AsSpan(offset, (int)Math.Min(ChunkSize - offset, published - position));
    }

    public void RemoveReader(FanOutReader reader)
    {
        lock (_gate)
        {
            _readers = [.. _readers.Where(r => !ReferenceEquals(r, reader))];
            ReleasePassedChunks(keepHistory: true);
        }

        reader.Signal.Set();
        WakeWriter();
    }

    /// <summary>
    /// Lets the writer fill up to <paramref name="bytes"/> ahead of <paramref name="reader"/> before it
    /// reads (a strict-mode pre-buffer), within the buffer's capacity.
    /// </summary>
    public void ReadAhead(FanOutReader reader, long bytes)
    {
        InterlockedMax(ref _demand, reader.Position + Math.Min(bytes, _capacity - _safetyMargin));
        WakeWriter();
    }

    /// <summary>The bytes at the reader's position, up to the end of their chunk and the live edge.</summary>
    public FanOutReadStatus TryRead(FanOutReader reader, out ReadOnlyMemory<byte> data)
    {
        data = default;
        var position = reader.Position;
        if (position < LagFloor() + _safetyMargin)
        {
            return FanOutReadStatus.Lagging;
        }

        var published = Volatile.Read(ref _published);
        if (position >= published)
        {
            return Volatile.Read(ref _completion) switch
            {
                0 => FanOutReadStatus.Empty,
                1 => FanOutReadStatus.Ended,
                _ => FanOutReadStatus.Failed,
            };
        }

        var chunk = ChunkAt(position);
        if (chunk is null)
        {
            return FanOutReadStatus.Lagging; // released between the check and now
        }

        var offset = (int)(position % ChunkSize);
        var length = (int)Math.Min(ChunkSize - offset, published - position);
        data = chunk.AsMemory(offset, length);
        return FanOutReadStatus.Data;
    }

    /// <summary>
    /// After copying bytes from <see cref="TryRead"/>: true when their chunk was not released (and
    /// maybe reused) meanwhile. False means the copy may be torn and must not be sent.
    /// </summary>
    public bool IsIntact(long position)
    {
        Interlocked.MemoryBarrier();
        return position >= Volatile.Read(ref _released);
    }

    public void Advance(FanOutReader reader, int count)
    {
        reader.Position += count;
        InterlockedMax(ref _leader, reader.Position);
        WakeWriter();
    }

    /// <summary>Moves a lagging reader forward to where a new reader would join.</summary>
    public void Skip(FanOutReader reader, long burstBytes)
    {
        lock (_gate)
        {
            var target = JoinPosition(burstBytes);
            if (target > reader.Position)
            {
                reader.RecordSkip(target - reader.Position);
                reader.Position = target;
            }

            ReleasePassedChunks(keepHistory: true);
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    // How far the writer may reserve: one chunk past the leading reader, more when that reader has
    // every published byte (held-back bytes must be able to complete) or asked for a pre-buffer.
    private long WriteLimit()
    {
        var leader = Volatile.Read(ref _leader);
        var ahead = leader >= Volatile.Read(ref _published) ? Math.Max(WriteAhead, _maxHoldBack + TsPacket.Size) : WriteAhead;
        return Math.Max(leader + ahead, Volatile.Read(ref _demand));
    }

    // The oldest position a reader may start at: still held, and not about to count as lagging.
    private long OldestSafeJoin() => Math.Max(Math.Max(Volatile.Read(ref _released), LagFloor() + _safetyMargin + ChunkSize), 0);

    private void WakeWriter()
    {
        if (Volatile.Read(ref _writerWaiting) != 0)
        {
            _writerSignal.Set();
        }
    }

    /// <summary>
    /// Where a reader starts: <paramref name="burstBytes"/> behind the live edge (within what is
    /// still safely buffered), on a packet boundary, at the first PAT from there if one is published.
    /// Runs under the buffer's lock, so the chunks it looks at stay put.
    /// </summary>
    private long JoinPosition(long burstBytes)
    {
        var published = Volatile.Read(ref _published);
        var target = Math.Max(published - burstBytes, OldestSafeJoin());
        if (!_isTransportStream || target >= published)
        {
            return Math.Min(target, published);
        }

        var aligned = (target + TsPacket.Size - 1) / TsPacket.Size * TsPacket.Size;
        for (var position = aligned; position + TsPacket.Size <= published; position += TsPacket.Size)
        {
            if (TsPacket.IsPatStart(ChunkAt(position)!, (int)(position % ChunkSize)))
            {
                return position;
            }
        }

        return Math.Min(aligned, published);
    }

    /// <summary>Drops bytes before the first packet of a new source; decides TS or raw on the very first bytes.</summary>
    private bool Align(Span<byte> data, ref int count)
    {
        var bytes = data[..count];
        var offset = TsPacket.FindAlignment(bytes);
        if (!_framingKnown)
        {
            if (offset < 0 && count < TsPacket.Size * TsPacket.ConfirmingSyncs)
            {
                return false; // too little to judge: wait for more
            }

            _framingKnown = true;
            _isTransportStream = offset >= 0;
        }

        if (!_isTransportStream)
        {
            _needAlignment = false;
            return true;
        }

        if (offset < 0)
        {
            return false;
        }

        if (offset > 0)
        {
            bytes[offset..].CopyTo(bytes);
            count -= offset;
        }

        _needAlignment = false;
        return count > 0;
    }

    private void WakeReaders()
    {
        foreach (var reader in _readers)
        {
            reader.Signal.Set();
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
