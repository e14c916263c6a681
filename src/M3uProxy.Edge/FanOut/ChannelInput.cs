using System.Buffers;
using System.Runtime.CompilerServices;
using M3uProxy.Edge.Media.MpegTs;

namespace M3uProxy.Edge.FanOut;

/// <summary>
/// The writer side of a live channel, between its sources and its <see cref="FanOutBuffer"/>:
/// upstream bytes are aligned to whole TS packets and spliced by a <see cref="TsSplicer"/>
/// (continuous counters, the new source's PAT first) where they land, then published. A source that
/// can wait for data without a buffer (<see cref="IByteSource.CanWaitForData"/>: an HTTP body) is read
/// straight into the buffer's write memory; any other through a staging chunk, then copied. Bytes
/// not passed on yet (a partial packet, bytes before a new source's first sync) wait in a small carry
/// between reads, so the pump holds no write memory while the upstream is quiet. Meanwhile — a
/// stall, a reconnect, a failover — a keepalive loop writes the last PAT and PMT every
/// <see cref="KeepaliveInterval"/> (up to a bound), between whole packets, so players that hang up
/// after a few silent seconds keep the connection. One writer at a time: the pump and the keepalive
/// take turns through a semaphore. Streams that are not MPEG-TS pass through unchanged and get no keepalive.
/// </summary>
internal sealed class ChannelInput : IDisposable
{
    /// <summary>How long the upstream must be quiet before a keepalive, and how often one follows.</summary>
    public static readonly TimeSpan KeepaliveInterval = TimeSpan.FromMilliseconds(500);

    private static readonly TimeSpan _tick = TimeSpan.FromMilliseconds(100);

    private readonly FanOutBuffer _buffer;
    private readonly TimeSpan _keepaliveBound;
    private readonly TimeProvider _time;
    private readonly TsSplicer _splicer = new();
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly byte[] _tables = new byte[2 * TsPacket.Size];

    // Read but not passed on yet: at most a partial packet, or the channel's first bytes while too few to tell TS from not.
    private readonly byte[] _carry = new byte[TsPacket.Size * TsPacket.ConfirmingSyncs];

    // Rented only while a source that cannot wait for data is read.
    private byte[]? _staging;
    private int _pending;
    private bool _aligned;
    private bool? _isTransportStream;
    private bool _completed;
    private int _sources;
    private long _lastData;
    private long _lastWrite;
    private long _keepalives;

    public ChannelInput(FanOutBuffer buffer, TimeSpan keepaliveBound, TimeProvider? time = null)
    {
        _buffer = buffer;
        _keepaliveBound = keepaliveBound;
        _time = time ?? TimeProvider.System;
        _lastData = _lastWrite = _time.GetTimestamp();
    }

    /// <summary>Keepalive writes so far (PAT and PMT pairs).</summary>
    public long Keepalives => Interlocked.Read(ref _keepalives);

    /// <summary>How many splices the channel has made (sources after the first).</summary>
    public int Splices => _splicer.Splices;

    /// <summary>True while a staging chunk is held (the current source cannot wait for data).</summary>
    public bool IsStaging => _staging is not null;

    /// <summary>A new source starts: what is left of the last one is dropped, and the next packets are spliced.</summary>
    public async ValueTask BeginSourceAsync(CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken);
        try
        {
            _buffer.BeginSource();
            _pending = 0;
            _aligned = false;
            if (_sources++ > 0)
            {
                _splicer.BeginSplice();
            }
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>Reads the source once and passes on the whole packets; returns the bytes read, 0 at the source's end.</summary>
    public ValueTask<int> ReadAsync(IByteSource source, CancellationToken cancellationToken)
        => source.CanWaitForData ? ReadDirectAsync(source, cancellationToken) : ReadStagedAsync(source, cancellationToken);

    /// <summary>No more sources: the buffer is completed, and no keepalive follows.</summary>
    public async ValueTask CompleteAsync(bool failed)
    {
        await _writer.WaitAsync(CancellationToken.None);
        try
        {
            _completed = true;
            _buffer.Complete(failed);
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>Writes keepalives while the channel runs: quiet for an interval, and not longer than the bound.</summary>
    public async Task RunKeepaliveAsync(CancellationToken cancellationToken)
    {
        if (_keepaliveBound <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(_tick, _time);
        // Stopping disposes the timer, so the wait ends with false: a cancelled wait would throw, once per channel.
        using var stopping = cancellationToken.Register(static timer => ((PeriodicTimer)timer!).Dispose(), timer);
        try
        {
            while (await timer.WaitForNextTickAsync(CancellationToken.None))
            {
                if (KeepaliveDue())
                {
                    await WriteKeepaliveAsync(cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The channel stopped.
        }
    }

    public void Dispose()
    {
        ReleaseStaging();
        _writer.Dispose();
    }

    /// <summary>
    /// Waits for the upstream with no write memory held (the keepalive may write meanwhile), then
    /// reads what is there into the buffer's write memory, after the carried bytes, and publishes the
    /// whole packets where they are: no staging chunk, no copy.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReadDirectAsync(IByteSource source, CancellationToken cancellationToken)
    {
        var ready = source.WaitForDataAsync(cancellationToken);
        if (!ready.IsCompleted)
        {
            _buffer.NoteUpstreamWait();
        }

        await ready;
        await _writer.WaitAsync(cancellationToken);
        try
        {
            ReleaseStaging();
            var memory = await _buffer.GetWriteMemoryAsync(_pending + 1, cancellationToken);
            _carry.AsSpan(0, _pending).CopyTo(memory.Span);
            var read = await source.ReadAsync(memory[_pending..], cancellationToken);
            if (read > 0)
            {
                var kept = Frame(memory.Span[..(_pending + read)]);
                if (kept > 0)
                {
                    _buffer.Commit(memory, kept);
                    Volatile.Write(ref _lastData, _time.GetTimestamp());
                    Volatile.Write(ref _lastWrite, _time.GetTimestamp());
                }
            }

            return read;
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>Reads into a staging chunk (the source may block in a read), then copies the whole packets into the buffer.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReadStagedAsync(IByteSource source, CancellationToken cancellationToken)
    {
        var staging = _staging ??= ArrayPool<byte>.Shared.Rent(FanOutBuffer.ChunkSize);
        _carry.AsSpan(0, _pending).CopyTo(staging);
        var pending = source.ReadAsync(staging.AsMemory(_pending, FanOutBuffer.ChunkSize - _pending), cancellationToken);
        if (!pending.IsCompleted)
        {
            _buffer.NoteUpstreamWait();
        }

        var read = await pending;
        if (read == 0)
        {
            return 0;
        }

        await _writer.WaitAsync(cancellationToken);
        try
        {
            var kept = Frame(staging.AsSpan(0, _pending + read));
            if (kept > 0)
            {
                await WriteAsync(staging.AsMemory(0, kept), cancellationToken);
                Volatile.Write(ref _lastData, _time.GetTimestamp());
            }
        }
        finally
        {
            _writer.Release();
        }

        return read;
    }

    private void ReleaseStaging()
    {
        if (_staging is { } staging)
        {
            _staging = null;
            ArrayPool<byte>.Shared.Return(staging);
        }
    }

    // The upstream has said nothing for an interval (within the bound), and nothing else was written since.
    private bool KeepaliveDue()
    {
        if (_isTransportStream != true || !_splicer.HasProgramTables)
        {
            return false;
        }

        var quiet = _time.GetElapsedTime(Volatile.Read(ref _lastData));
        return quiet >= KeepaliveInterval && quiet <= _keepaliveBound && _time.GetElapsedTime(Volatile.Read(ref _lastWrite)) >= KeepaliveInterval;
    }

    private async Task WriteKeepaliveAsync(CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken);
        try
        {
            // Asked again under the writer: a pump held back by its viewers holds the writer, and the
            // upstream only looked quiet meanwhile. It has written what it read by now, and a
            // keepalive here would land in the middle of a file that was never quiet.
            if (_completed || !KeepaliveDue())
            {
                return;
            }

            var length = _splicer.WriteProgramTables(_tables);
            if (length > 0)
            {
                await WriteAsync(_tables.AsMemory(0, length), cancellationToken);
                Interlocked.Increment(ref _keepalives);
            }
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>
    /// Frames <paramref name="data"/> (what is read but not passed on, from the start of a read's
    /// memory): decides TS or not on the channel's first bytes, aligns a new source to its first
    /// packet, and splices the whole packets at the front. Returns how many bytes at the front to
    /// pass on; the rest (a partial packet, bytes that may hold a sync) goes to the carry.
    /// </summary>
    private int Frame(Span<byte> data)
    {
        if (_isTransportStream is null)
        {
            var offset = TsPacket.FindAlignment(data);
            if (offset < 0 && data.Length < TsPacket.Size * TsPacket.ConfirmingSyncs)
            {
                return Carry(data, 0); // too little to judge: the next read appends to these
            }

            _isTransportStream = offset >= 0;
        }

        if (_isTransportStream == false)
        {
            _pending = 0;
            return data.Length;
        }

        var start = 0;
        if (!_aligned)
        {
            start = TsPacket.FindAlignment(data);
            if (start < 0)
            {
                // No packet start yet: keep the last bytes, a sync byte may be among them.
                return Carry(data, data.Length - Math.Min(data.Length, TsPacket.Size - 1));
            }

            _aligned = true;
        }

        var whole = (data.Length - start) / TsPacket.Size * TsPacket.Size;
        Carry(data, start + whole);
        if (start > 0)
        {
            data.Slice(start, whole).CopyTo(data);
        }

        return _splicer.Process(data[..whole]);
    }

    /// <summary>Sets aside the bytes from <paramref name="from"/> for the next read; returns 0 (nothing to pass on from them).</summary>
    private int Carry(ReadOnlySpan<byte> data, int from)
    {
        data[from..].CopyTo(_carry);
        _pending = data.Length - from;
        return 0;
    }

    private async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            var memory = await _buffer.GetWriteMemoryAsync(cancellationToken);
            var count = Math.Min(memory.Length, data.Length);
            data.Span[..count].CopyTo(memory.Span);
            _buffer.Commit(memory, count);
            data = data[count..];
        }

        Volatile.Write(ref _lastWrite, _time.GetTimestamp());
    }
}
