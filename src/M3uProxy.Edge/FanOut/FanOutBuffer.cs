using System.Buffers;
using System.Runtime.CompilerServices;
using M3uProxy.Edge.Media.MpegTs;

namespace M3uProxy.Edge.FanOut;

/// <summary>
/// The shared buffer of a live channel: a ring of pooled chunks that one writer (the upstream
/// pump) fills and any number of <see cref="FanOutReader"/>s read through their own cursors, so
/// one upstream serves every viewer with no per-viewer queue and no per-chunk allocation.
/// <list type="bullet">
/// <item>Back-pressure: the writer never overwrites bytes the leading reader has not read, so it
/// runs at the pace of the fastest viewer, and a single viewer of a finite file gets every byte.</item>
/// <item>Lag: a reader that falls a whole buffer behind the writer is moved forward (to a PAT when
/// one is near, else a packet boundary) or dropped, by policy; the others keep their pace.</item>
/// <item>MPEG-TS framing: only whole 188-byte packets are published, and a new source (a reconnect
/// or a failover) starts on a packet boundary, so readers never see a torn packet.</item>
/// </list>
/// Streams that are not MPEG-TS (no sync bytes at the start) are passed through unframed.
/// </summary>
internal sealed class FanOutBuffer : IDisposable
{
    /// <summary>Whole TS packets that fit a 64 KiB pool bucket (348 × 188 = 65,424 bytes).</summary>
    public const int ChunkSize = TsPacket.Size * 348;

    private readonly byte[][] _chunks;
    private readonly long _capacity;
    private readonly long _safetyMargin;

    // The most a source may hold back waiting for the next unit start before whole packets are
    // published anyway: a stream that never flags unit starts must still flow, and the writer must
    // never wait on readers for bytes they cannot see yet.
    private readonly long _maxHoldBack;
    private readonly AsyncSignal _writerSignal = new();
    private readonly Lock _readersGate = new();
    private volatile FanOutReader[] _readers = [];

    // Writer-only state.
    private long _written;
    private long _scanned;
    private long _lastUnitStart;
    private bool _needAlignment = true;
    private bool _framingKnown;
    private bool _isTransportStream = true;

    // Shared state: written by one side, read by the other with Volatile/Interlocked.
    private long _reserved;
    private long _published;
    private long _leader;
    private int _completion;
    private volatile bool _writerWaiting;
    private int _disposed;

    public FanOutBuffer(long capacityBytes)
    {
        var chunkCount = (int)Math.Max(4, (capacityBytes + ChunkSize - 1) / ChunkSize);
        _chunks = new byte[chunkCount][];
        for (var i = 0; i < chunkCount; i++)
        {
            _chunks[i] = ArrayPool<byte>.Shared.Rent(ChunkSize);
        }

        _capacity = (long)chunkCount * ChunkSize;
        // Readers this close to being overwritten count as lagging before they copy, so a copy in
        // progress is practically never overtaken by the writer (and is checked afterwards anyway).
        _safetyMargin = 2L * ChunkSize;
        _maxHoldBack = Math.Min(4L * ChunkSize, (_capacity - _safetyMargin) / 2);
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
    /// The next region the upstream may read into. Waits while the leading reader is a whole
    /// buffer behind (back-pressure); otherwise completes synchronously, without allocating.
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
            _writerWaiting = true;
            if (_readers.Length > 0 && WriteLimit() <= _written)
            {
                await _writerSignal.WaitAsync(cancellationToken);
            }

            _writerWaiting = false;
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
        memory = _chunks[ChunkIndex(_written)].AsMemory(offset, (int)length);
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
            if (TsPacket.IsPayloadUnitStart(_chunks[ChunkIndex(position)], (int)(position % ChunkSize)))
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
        lock (_readersGate)
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
        lock (_readersGate)
        {
            var oldestSafe = Volatile.Read(ref _reserved) - _capacity + _safetyMargin + ChunkSize;
            if (position < Math.Max(oldestSafe, 0) || position > Volatile.Read(ref _published))
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
    /// writer's own thread (the scanner that follows each commit): the writer never overwrites what
    /// it has just published, so no reader cursor is needed.
    /// </summary>
    public ReadOnlySpan<byte> PublishedAt(long position)
    {
        var published = Volatile.Read(ref _published);
        if (position >= published || position < Volatile.Read(ref _reserved) - _capacity)
        {
            return default;
        }

        var offset = (int)(position % ChunkSize);
        return _chunks[ChunkIndex(position)].AsSpan(offset, (int)Math.Min(ChunkSize - offset, published - position));
    }

    public void RemoveReader(FanOutReader reader)
    {
        lock (_readersGate)
        {
            _readers = [.. _readers.Where(r => !ReferenceEquals(r, reader))];
        }

        reader.Signal.Set();
        if (_writerWaiting)
        {
            _writerSignal.Set();
        }
    }

    /// <summary>The bytes at the reader's position, up to the end of their chunk and the live edge.</summary>
    public FanOutReadStatus TryRead(FanOutReader reader, out ReadOnlyMemory<byte> data)
    {
        data = default;
        var position = reader.Position;
        if (position < Volatile.Read(ref _reserved) - _capacity + _safetyMargin)
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

        var offset = (int)(position % ChunkSize);
        var length = (int)Math.Min(ChunkSize - offset, published - position);
        data = _chunks[ChunkIndex(position)].AsMemory(offset, length);
        return FanOutReadStatus.Data;
    }

    /// <summary>
    /// After copying bytes from <see cref="TryRead"/>: true when the writer has not overwritten
    /// them meanwhile. False means the copy may be torn and must not be sent.
    /// </summary>
    public bool IsIntact(long position)
    {
        Interlocked.MemoryBarrier();
        return position >= Volatile.Read(ref _reserved) - _capacity;
    }

    public void Advance(FanOutReader reader, int count)
    {
        reader.Position += count;
        InterlockedMax(ref _leader, reader.Position);
        if (_writerWaiting)
        {
            _writerSignal.Set();
        }
    }

    /// <summary>Moves a lagging reader forward to where a new reader would join.</summary>
    public void Skip(FanOutReader reader, long burstBytes)
    {
        var target = JoinPosition(burstBytes);
        if (target > reader.Position)
        {
            reader.RecordSkip(target - reader.Position);
            reader.Position = target;
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            foreach (var chunk in _chunks)
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    private int ChunkIndex(long position) => (int)(position / ChunkSize % _chunks.Length);

    // How far the writer may reserve: never so far that the leading reader itself would count as lagging.
    private long WriteLimit() => Volatile.Read(ref _leader) + _capacity - _safetyMargin;

    /// <summary>
    /// Where a reader starts: <paramref name="burstBytes"/> behind the live edge (within what is
    /// still safely buffered), on a packet boundary, at the first PAT from there if one is published.
    /// </summary>
    private long JoinPosition(long burstBytes)
    {
        var published = Volatile.Read(ref _published);
        var oldestSafe = Volatile.Read(ref _reserved) - _capacity + _safetyMargin + ChunkSize;
        var target = Math.Max(Math.Max(published - burstBytes, oldestSafe), 0);
        if (!_isTransportStream || target >= published)
        {
            return Math.Min(target, published);
        }

        var aligned = (target + TsPacket.Size - 1) / TsPacket.Size * TsPacket.Size;
        for (var position = aligned; position + TsPacket.Size <= published; position += TsPacket.Size)
        {
            var chunk = _chunks[ChunkIndex(position)];
            if (TsPacket.IsPatStart(chunk, (int)(position % ChunkSize)))
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
