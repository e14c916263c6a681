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
/// <item>Back-pressure: the writer stays at most two chunks ahead of the leading reader, so it runs
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
    private const long WriteAhead = 2 * ChunkSize;

    /// <summary>
    /// Once held back, the writer resumes when its readers have freed a whole chunk (or have every
    /// published byte), not after each piece they send: one wake-up per chunk instead of a ping-pong
    /// of small reads and cross-thread wake-ups.
    /// </summary>
    private const long ResumeRoom = ChunkSize;

    private const int PaceScoreLimit = 16;

    private readonly long _capacity;
    private readonly long _safetyMargin;
    private readonly long _historyBytes;

    // How far back the latest keyframe may be kept for joiners: what a joiner there can still read
    // before it counts as lagging, with the writer's hold-back and write-ahead on top of the margin.
    private readonly long _maxRetained;

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
    private long _retainFrom = long.MaxValue;
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

    // Who waits for whom (writer thread only): the writer waiting for its upstream pushes it up (the
    // upstream sets the pace: a live channel), the writer held back by its readers pushes it down (a
    // file read faster than it is watched). Saturating, so one hiccup does not flip a channel's character.
    private int _paceScore;

    public FanOutBuffer(long capacityBytes, long historyBytes = 0, FanOutMemory? memory = null)
    {
        var chunkCount = (int)Math.Max(4, (capacityBytes + ChunkSize - 1) / ChunkSize);
        _capacity = (long)chunkCount * ChunkSize;
        // Readers this close to being released count as lagging before they copy, so a copy in
        // progress is practically never overtaken (and is checked afterwards anyway).
        _safetyMargin = 2L * ChunkSize;
        _maxHoldBack = Math.Min(4L * ChunkSize, (_capacity - _safetyMargin) / 2);
        _historyBytes = Math.Clamp(historyBytes, 0, _capacity - _safetyMargin - ChunkSize);
        _maxRetained = Math.Max(0, _capacity - _safetyMargin - ChunkSize - _maxHoldBack - WriteAhead);
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
        => GetWriteMemoryAsync(1, cancellationToken);

    /// <summary>
    /// As <see cref="GetWriteMemoryAsync(CancellationToken)"/>, at least <paramref name="minimumLength"/>
    /// bytes long (a writer that puts a carried partial packet first needs room after it). Up to a TS
    /// packet while whole packets are written, or a chunk at the stream's start: what a writer allowed
    /// to resume is always given, so the wait never spins.
    /// </summary>
    public ValueTask<Memory<byte>> GetWriteMemoryAsync(int minimumLength, CancellationToken cancellationToken)
        => TryGetWriteMemory(minimumLength, out var memory) ? new ValueTask<Memory<byte>>(memory) : WaitForWriteMemoryAsync(minimumLength, cancellationToken);

    // Pooled builder: waiting for the leading reader must not allocate a state machine each time.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<Memory<byte>> WaitForWriteMemoryAsync(int minimumLength, CancellationToken cancellationToken)
    {
        Memory<byte> memory;
        while (!TryGetWriteMemory(minimumLength, out memory))
        {
            // A full fence before reading the leader: a reader advancing meanwhile sees the flag.
            Interlocked.Exchange(ref _writerWaiting, 1);
            if (!WriterMayResume())
            {
                // Held back by the viewers: the upstream is faster than they are (a file), so
                // recent bytes need not be kept for a join burst — a joiner gets them at upstream speed.
                Volatile.Write(ref _paceScore, Math.Max(_paceScore - 1, -PaceScoreLimit));

                await _writerSignal.WaitAsync(cancellationToken);
            }

            Volatile.Write(ref _writerWaiting, 0);
        }

        return memory;
    }

    private bool TryGetWriteMemory(int minimumLength, out Memory<byte> memory)
    {
        var offset = (int)(_written % ChunkSize);
        long length = ChunkSize - offset;
        if (_readers.Length > 0)
        {
            length = Math.Min(length, WriteLimit() - _written);
        }

        if (length < Math.Max(minimumLength, 1))
        {
            memory = default;
            return false;
        }

        // Announce the region before bytes land in it: readers behind it by a buffer are stale.
        InterlockedMax(ref _reserved, _written + length);
        memory = WritableChunk(_written).AsMemory(offset, (int)length);
        return true;
    }

    /// <summary>
    /// Keeps the bytes from <paramref name="position"/> (the latest keyframe) for joiners, beyond the
    /// join burst, while the channel keeps join history at all and within what a joiner can still read.
    /// </summary>
    public void RetainFrom(long position) => Volatile.Write(ref _retainFrom, position);

    /// <summary>The writer had to wait for its upstream (no bytes were ready): the upstream sets this channel's pace.</summary>
    public void NoteUpstreamWait() => Volatile.Write(ref _paceScore, Math.Min(_paceScore + 1, PaceScoreLimit));

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
            // A lone reader copies on the writer's thread (see WakeReaders).
            WakeReaders(inline: true);
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

    // ---- helpers -------------------------------------------------------------------------------

    private bool WriterMayResume()
        => _readers.Length == 0
            || WriteLimit() - Volatile.Read(ref _written) >= ResumeRoom
            || Volatile.Read(ref _leader) >= Volatile.Read(ref _published);

    // How far the writer may reserve: two chunks past the leading reader, more when that reader has
    // every published byte (held-back bytes must be able to complete) or asked for a pre-buffer.
    private long WriteLimit()
    {
        var leader = Volatile.Read(ref _leader);
        var ahead = leader >= Volatile.Read(ref _published) ? _maxHoldBack + WriteAhead : WriteAhead;
        return Math.Max(leader + ahead, Volatile.Read(ref _demand));
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

    /// <summary>
    /// Wakes the readers waiting for bytes. With <paramref name="inline"/> and a lone reader, its copy
    /// to its socket runs on this (the writer's) thread before the writer goes on: one thread per
    /// download and no cross-thread wake-up per chunk. Readers of a shared channel each get their
    /// own thread-pool turn, so none waits for another's socket. The writer holds no lock here.
    /// </summary>
    private void WakeReaders(bool inline = false)
    {
        var readers = _readers;
        inline &= readers.Length == 1;
        foreach (var reader in readers)
        {
            reader.Signal.Set(inline);
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
