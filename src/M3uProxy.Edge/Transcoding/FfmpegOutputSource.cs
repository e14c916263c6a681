using M3uProxy.Edge.FanOut;
using M3uProxy.Edge.Tools.Ffmpeg;

namespace M3uProxy.Edge.Transcoding;

/// <summary>
/// A transcoder's output as a live channel's byte source: its stdout (or, for HLS output, nothing
/// but the process's life). A transcoder that is fed but writes nothing for the stall timeout is
/// killed, and the read fails so the channel asks for a restart.
/// </summary>
internal sealed class FfmpegOutputSource : IByteSource
{
    private static readonly TimeSpan _checkEvery = TimeSpan.FromMilliseconds(500);
    private readonly FfmpegProcess _process;
    private readonly TranscodeActivity _activity;
    private readonly TimeSpan _stallTimeout;
    private readonly Func<DateTime>? _hlsLastWrite;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private Task<int>? _pending;
    private int _offset;
    private int _count;
    private DateTime _lastSeenWrite;

    public FfmpegOutputSource(FfmpegProcess process, TranscodeActivity activity, TimeSpan stallTimeout, Func<DateTime>? hlsLastWrite)
    {
        _process = process;
        _activity = activity;
        _stallTimeout = stallTimeout;
        _hlsLastWrite = hlsLastWrite;
        _lastSeenWrite = hlsLastWrite?.Invoke() ?? default; // what a previous run left is not this one's output
    }

    public string Description => $"ffmpeg (pid {_process.Id})";

    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_count > 0)
            {
                var n = Math.Min(_count, buffer.Length);
                _buffer.AsMemory(_offset, n).CopyTo(buffer);
                _offset += n;
                _count -= n;
                return n;
            }

            // One read in flight at a time, kept across checks: a pipe read cannot be cancelled reliably.
            _pending ??= _hlsLastWrite is null ? _process.Stdout.ReadAsync(_buffer, CancellationToken.None).AsTask() : WaitForExitAsync();
            var done = _pending.IsCompleted ? _pending : await Task.WhenAny(_pending, Task.Delay(_checkEvery, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
            if (done != _pending)
            {
                // A folder that changed is output (compared, not timed: file times are the wall clock's).
                if (_hlsLastWrite?.Invoke() is { } written && written != _lastSeenWrite)
                {
                    _lastSeenWrite = written;
                    _activity.Output();
                }

                if (_activity.IsStalled(_stallTimeout))
                {
                    await _process.StopAsync(TimeSpan.Zero);
                    throw new IOException($"ffmpeg stalled: no output for {_stallTimeout.TotalSeconds:0} s while fed");
                }

                continue;
            }

            var read = await _pending;
            _pending = null;
            if (read == 0)
            {
                return 0;
            }

            _activity.Output();
            _offset = 0;
            _count = read;
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<int> WaitForExitAsync()
    {
        await _process.Exited;
        return 0;
    }
}

/// <summary>
/// When the transcoder last got input and last gave output, on the injected clock. A stall is
/// output missing while input flows — or while a write to its stdin has been waiting, which is
/// what a hung ffmpeg looks like (it stops reading, the pipe fills, the write never returns).
/// </summary>
internal sealed class TranscodeActivity(TimeProvider time)
{
    private long _lastInputTicks;
    private long _writingSinceTicks;
    private long _lastOutputTicks = time.GetUtcNow().UtcTicks;

    /// <summary>A write of input into stdin begins.</summary>
    public void Writing() => Volatile.Write(ref _writingSinceTicks, time.GetUtcNow().UtcTicks);

    /// <summary>The write went through (or failed): the input is ffmpeg's now.</summary>
    public void Written()
    {
        Volatile.Write(ref _lastInputTicks, time.GetUtcNow().UtcTicks);
        Volatile.Write(ref _writingSinceTicks, 0);
    }

    public void Output() => Volatile.Write(ref _lastOutputTicks, time.GetUtcNow().UtcTicks);

    public void Restarted() => Volatile.Write(ref _lastOutputTicks, time.GetUtcNow().UtcTicks);

    public bool IsStalled(TimeSpan timeout)
    {
        var now = time.GetUtcNow().UtcTicks;
        var fed = now - Volatile.Read(ref _lastInputTicks) < timeout.Ticks || Volatile.Read(ref _writingSinceTicks) != 0;
        return now - Volatile.Read(ref _lastOutputTicks) > timeout.Ticks && fed;
    }
}
