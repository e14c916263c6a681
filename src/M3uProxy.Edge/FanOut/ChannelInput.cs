using System.Buffers;
using System.Runtime.CompilerServices;
using M3uProxy.Edge.Media.MpegTs;

namespace M3uProxy.Edge.FanOut;

/// <summary>
/// The writer side of a live channel, between its sources and its <see cref="FanOutBuffer"/>:
/// upstream bytes land in a staging chunk, are aligned to whole TS packets and spliced by a
/// <see cref="TsSplicer"/> (continuous counters, the new source's PAT first), then copied into the
/// buffer. While the upstream is quiet — a stall, a reconnect, a failover — a keepalive loop writes
/// the last PAT and PMT every <see cref="KeepaliveInterval"/> (up to a bound), between whole
/// packets, so players that hang up after a few silent seconds keep the connection. One writer at a
/// time: the pump and the keepalive take turns through a semaphore. Streams that are not MPEG-TS
/// pass through unchanged and get no keepalive.
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
    private readonly byte[] _staging = ArrayPool<byte>.Shared.Rent(FanOutBuffer.ChunkSize);
    private readonly byte[] _tables = new byte[2 * TsPacket.Size];
    private readonly byte[] _carry = new byte[TsPacket.Size];
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

    /// <summary>Where the pump reads the current source into (after a partial packet kept from the last read).</summary>
    public Memory<byte> ReadMemory => _staging.AsMemory(_pending, FanOutBuffer.ChunkSize - _pending);

    /// <summary>Keepalive writes so far (PAT and PMT pairs).</summary>
    public long Keepalives => Interlocked.Read(ref _keepalives);

    /// <summary>How many splices the channel has made (sources after the first).</summary>
    public int Splices => _splicer.Splices;

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

    /// <summary>Passes on <paramref name="count"/> bytes just read into <see cref="ReadMemory"/>.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask CommitAsync(int count, CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken);
        try
        {
            _pending += count;
            var (kept, carried) = Frame();
            if (carried < 0)
            {
                return;
            }

            if (kept > 0)
            {
                await WriteAsync(_staging.AsMemory(0, kept), cancellationToken);
                Volatile.Write(ref _lastData, _time.GetTimestamp());
            }

            // A partial packet (or bytes before the first sync) goes back to the front for the next read.
            _carry.AsSpan(0, carried).CopyTo(_staging);
            _pending = carried;
        }
        finally
        {
            _writer.Release();
        }
    }

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
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                if (_isTransportStream != true || !_splicer.HasProgramTables)
                {
                    continue;
                }

                var quiet = _time.GetElapsedTime(Volatile.Read(ref _lastData));
                if (quiet < KeepaliveInterval || quiet > _keepaliveBound || _time.GetElapsedTime(Volatile.Read(ref _lastWrite)) < KeepaliveInterval)
                {
                    continue;
                }

                await WriteKeepaliveAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The channel stopped.
        }
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_staging);
        _writer.Dispose();
    }

    private async Task WriteKeepaliveAsync(CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken);
        try
        {
            if (_completed)
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
    /// Decides TS or not on the channel's first bytes, aligns a new source to its first packet and
    /// splices the whole packets. Returns how many bytes at the start of the staging chunk to write,
    /// and how many were set aside in the carry (a partial packet) for the next read; -1 to keep
    /// everything staged.
    /// </summary>
    private (int Kept, int Carried) Frame()
    {
        if (_isTransportStream is null)
        {
            var offset = TsPacket.FindAlignment(_staging.AsSpan(0, _pending));
            if (offset < 0 && _pending < TsPacket.Size * TsPacket.ConfirmingSyncs)
            {
                return (0, -1); // too little to judge: the next read appends to what is staged
            }

            _isTransportStream = offset >= 0;
        }

        if (_isTransportStream == false)
        {
            return (_pending, 0);
        }

        var start = 0;
        if (!_aligned)
        {
            start = TsPacket.FindAlignment(_staging.AsSpan(0, _pending));
            if (start < 0)
            {
                // No packet start yet: keep the last bytes, a sync byte may be among them.
                var keep = Math.Min(_pending, TsPacket.Size - 1);
                return (0, Carry(_pending - keep, keep));
            }

            _aligned = true;
        }

        var whole = (_pending - start) / TsPacket.Size * TsPacket.Size;
        var carried = Carry(start + whole, _pending - start - whole);
        if (start > 0)
        {
            _staging.AsSpan(start, whole).CopyTo(_staging);
        }

        return (_splicer.Process(_staging.AsSpan(0, whole)), carried);
    }

    private int Carry(int from, int count)
    {
        _staging.AsSpan(from, count).CopyTo(_carry);
        return count;
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
