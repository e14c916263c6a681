using M3uProxy.Edge.Media.MpegTs;

namespace M3uProxy.Edge.FanOut;

/// <summary>
/// The reader side of a <see cref="FanOutBuffer"/> (one task per viewer): joining at the live edge, a
/// burst back or a chosen keyframe, reading without a lock, advancing, and being moved forward when lagging.
/// </summary>
internal sealed partial class FanOutBuffer
{
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

    /// <summary>
    /// The reader sent <paramref name="count"/> more bytes. A writer waiting for room resumes; for a
    /// lone reader it runs on this thread, up to its next wait, before this returns (the caller holds no lock).
    /// </summary>
    public void Advance(FanOutReader reader, int count)
    {
        reader.Position += count;
        InterlockedMax(ref _leader, reader.Position);
        WakeWriter(inline: _readers.Length == 1);
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

    // The oldest position a reader may start at: still held, and not about to count as lagging.
    private long OldestSafeJoin() => Math.Max(Math.Max(Volatile.Read(ref _released), LagFloor() + _safetyMargin + ChunkSize), 0);

    private void WakeWriter(bool inline = false)
    {
        if (Volatile.Read(ref _writerWaiting) != 0 && WriterMayResume())
        {
            _writerSignal.Set(inline);
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
}
