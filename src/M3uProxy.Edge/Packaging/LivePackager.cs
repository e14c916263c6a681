using M3uProxy.Edge.Clients;
using M3uProxy.Edge.FanOut;
using M3uProxy.Edge.Streams;

namespace M3uProxy.Edge.Packaging;

/// <summary>
/// Serves a live MPEG-TS channel as HLS without ffmpeg: one more reader of the channel's shared
/// buffer (the same upstream as its TS viewers) whose bytes a <see cref="SegmentCutter"/> cuts at
/// keyframes. The last <see cref="SegmentsKept"/> segments stay in memory for the playlist and the
/// segment requests; the packager leaves the channel when no HLS request came for <see cref="IdleTimeout"/>.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The stop source has no timer; Stop() may be called after the packager ended.")]
internal sealed partial class LivePackager
{
    public const int SegmentsKept = 6;

    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(20);

    private readonly LiveChannelRegistry _channels;
    private readonly StreamRecord _stream;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ClientIdentity _identity;
    private readonly Lock _gate = new();
    private readonly Queue<PackagedSegment> _segments = new();
    private readonly TaskCompletionSource _firstSegment = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private long _nextSequence;
    private long _discontinuitySequence;
    private long _lastRequestTicks;
    private volatile bool _stopped;

    public LivePackager(LiveChannelRegistry channels, StreamRecord stream, TimeProvider time, ILogger logger)
    {
        _channels = channels;
        _stream = stream;
        _time = time;
        _logger = logger;
        // Its own identity per stream: the packager must not look like a viewer zapping between channels.
        _identity = new ClientIdentity("127.0.0.1", "m3u-proxy-hls-packager/" + stream.Id, null);
        Touch();
    }

    public string StreamId => _stream.Id;

    /// <summary>False once the channel ended or the packager went idle; a new request starts a new one.</summary>
    public bool IsRunning => !_stopped;

    /// <summary>Completes when the first segment is ready, or the packager stopped before it.</summary>
    public Task FirstSegment => _firstSegment.Task;

    public Exception? Error { get; private set; }

    public void Start() => _ = Task.Run(RunAsync);

    /// <summary>An HLS request for this stream: keeps the packager (and with it the channel) running.</summary>
    public void Touch() => Interlocked.Exchange(ref _lastRequestTicks, _time.GetUtcNow().UtcTicks);

    public void Stop() => _stop.Cancel();

    /// <summary>The segments in memory, oldest first, and the discontinuity sequence of the first.</summary>
    public (IReadOnlyList<PackagedSegment> Segments, long DiscontinuitySequence) Snapshot()
    {
        lock (_gate)
        {
            return ([.. _segments], _discontinuitySequence);
        }
    }

    public PackagedSegment? Find(long sequence)
    {
        lock (_gate)
        {
            return _segments.FirstOrDefault(s => s.Sequence == sequence);
        }
    }

    private async Task RunAsync()
    {
        var (channel, reader, _) = _channels.Join(_stream, _identity);
        try
        {
            var start = await channel.Started.WaitAsync(_stop.Token);
            if (!start.Started && channel.Buffer.Published == 0)
            {
                Error = start.Error;
                return;
            }

            Log.Started(_logger, _stream.Id);
            await CutAsync(channel, reader);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Idle, or stopped.
        }
        catch (Exception exception)
        {
            Error = exception;
            Log.Failed(_logger, _stream.Id, exception.Message);
        }
        finally
        {
            _stopped = true;
            _channels.Leave(channel, reader, _identity);
            _firstSegment.TrySetResult();
            Log.Stopped(_logger, _stream.Id);
        }
    }

    private async Task CutAsync(LiveChannel channel, FanOutReader reader)
    {
        var buffer = channel.Buffer;
        var cutter = new SegmentCutter(reader.Position);
        // A live channel publishes every few tens of milliseconds, so idleness is checked often enough between reads.
        while (!IsIdle())
        {
            switch (buffer.TryRead(reader, out var data))
            {
                case FanOutReadStatus.Data:
                    var position = reader.Position;
                    cutter.Append(data.Span);
                    if (!buffer.IsIntact(position))
                    {
                        cutter.Restart(position + data.Length); // overwritten mid-copy: those bytes are not trusted
                    }

                    buffer.Advance(reader, data.Length);
                    cutter.Cut(channel.Index, Add);
                    break;
                case FanOutReadStatus.Empty:
                    await reader.WaitForDataAsync(_stop.Token);
                    break;
                case FanOutReadStatus.Lagging:
                    buffer.Skip(reader, 0);
                    cutter.Restart(reader.Position);
                    break;
                default:
                    return; // the channel ended
            }
        }
    }

    private bool IsIdle() => _time.GetUtcNow().UtcTicks - Interlocked.Read(ref _lastRequestTicks) > IdleTimeout.Ticks;

    private void Add(double duration, bool discontinuity, byte[] data)
    {
        lock (_gate)
        {
            _segments.Enqueue(new PackagedSegment(_nextSequence++, duration, discontinuity, data));
            while (_segments.Count > SegmentsKept)
            {
                if (_segments.Dequeue().Discontinuity)
                {
                    _discontinuitySequence++;
                }
            }
        }

        _firstSegment.TrySetResult();
    }

    private static partial class Log
    {
        [LoggerMessage(960, LogLevel.Information, "Stream {StreamId}: packaging the live channel as HLS")]
        public static partial void Started(ILogger logger, string streamId);

        [LoggerMessage(961, LogLevel.Information, "Stream {StreamId}: HLS packaging stopped")]
        public static partial void Stopped(ILogger logger, string streamId);

        [LoggerMessage(962, LogLevel.Warning, "Stream {StreamId}: HLS packaging failed: {Reason}")]
        public static partial void Failed(ILogger logger, string streamId, string reason);
    }
}
