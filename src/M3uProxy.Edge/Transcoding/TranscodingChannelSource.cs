using M3uProxy.Edge.FanOut;
using M3uProxy.Edge.Streams;
using M3uProxy.Edge.Tools;
using M3uProxy.Edge.Tools.Ffmpeg;

namespace M3uProxy.Edge.Transcoding;

/// <summary>
/// A live channel's source that transcodes: the stream's own failover source (the inner source,
/// so user agent, headers, retries, failover and sticky sessions stay in the proxy) is copied into
/// ffmpeg's stdin, and ffmpeg's stdout is what the channel fans out. ffmpeg never opens the
/// provider. A failover changes what flows into stdin without touching ffmpeg or the viewers; an
/// ffmpeg that exits or stalls is restarted (its timeline continued) up to a few times a minute,
/// then the stream fails with a transcode reason. For HLS output ffmpeg writes the session's
/// folder and the channel carries no bytes: it only holds the process while someone watches.
/// </summary>
internal sealed partial class TranscodingChannelSource : IChannelSource
{
    private static readonly TimeSpan _stopGrace = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan _restartWindow = TimeSpan.FromMinutes(1);
    private readonly IChannelSource? _inner;
    private readonly string? _inputUrl;
    private readonly StreamRecord _stream;
    private readonly TranscodeSpec _spec;
    private readonly ToolPaths _paths;
    private readonly ProcessLedger _ledger;
    private readonly TranscodeSessions _sessions;
    private readonly TranscodingOptions _options;
    private readonly Action<string, Exception?> _failed;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly TranscodeActivity _activity;
    private readonly TranscodeSession _session;
    private readonly Queue<DateTimeOffset> _restarts = new();
    private readonly CancellationTokenSource _feederStop = new();
    private Task? _feeder;
    private volatile bool _inputEnded;
    private volatile FfmpegProcess? _process;
    private Exception? _lastError;

    public TranscodingChannelSource(IChannelSource? inner, string? inputUrl, StreamRecord stream, TranscodeSpec spec, ToolPaths paths, ProcessLedger ledger, TranscodeSessions sessions, TranscodingOptions options, Action<string, Exception?> failed, TimeProvider time, ILogger logger)
    {
        _inner = inner;
        _inputUrl = inputUrl;
        _stream = stream;
        _spec = spec;
        _paths = paths;
        _ledger = ledger;
        _sessions = sessions;
        _options = options;
        _failed = failed;
        _logger = logger;
        _time = time;
        _activity = new TranscodeActivity(time);
        _session = new TranscodeSession(stream.Id, spec.Profile, spec.HlsOutput ? HlsOutputDirectory.CreatePrivate(ledger) : null);
        sessions.Add(_session);
    }

    public Exception? LastError => _lastError ?? _inner?.LastError;

    public TranscodeSession Session => _session;

    public async ValueTask<IByteSource?> OpenNextAsync(SourceStop? previous, CancellationToken cancellationToken)
    {
        var offset = TimeSpan.Zero;
        if (previous is not null && _process is { } old)
        {
            offset = old.MediaInfo.OutputTime;
            await old.StopAsync(TimeSpan.Zero);
            await old.DisposeAsync();
            // Input gone for good (stdin closed, or ffmpeg read a finished HLS source to its end).
            if (_inputEnded || (_inner is null && old.Exited.IsCompletedSuccessfully && old.Exited.Result == 0))
            {
                _session.State = "stopped";
                return null; // the source ended for good and ffmpeg flushed the rest
            }

            var reason = Reason(old, previous);
            _session.LastError = old.LastError ?? previous.Error?.Message;
            if (!MayRestart())
            {
                _session.State = "failed";
                _lastError = new IOException($"ffmpeg failed {_options.MaxRestartsPerMinute + 1} times within a minute: {_session.LastError}");
                Log.GaveUp(_logger, _stream.Id, reason, _session.LastError);
                _failed(reason, _lastError);
                return null;
            }

            _session.State = "restarting";
            _session.Restarts++;
            Log.Restarting(_logger, _stream.Id, reason, _session.LastError);
        }

        var hls = _session.Hls;
        // A transcoder taking over from another instance's continues its segment numbers (with a discontinuity).
        var startNumber = hls is null ? 0 : Math.Max(hls.NextSegmentNumber(), _sessions.TakeContinuation(_stream.Id));
        var arguments = FfmpegCommand.Build(_spec, hls, offset, startNumber, _inputUrl ?? "pipe:0");
        var process = FfmpegProcess.Start(_paths, arguments, _ledger, new FfmpegStartOptions { Stdin = _inner is not null, Stdout = hls is null });
        _process = process;
        _session.Process = process;
        _session.State = "running";
        _activity.Restarted();
        Log.Started(_logger, _stream.Id, process.Id, _spec.Profile);
        if (_inner is not null)
        {
            _feeder ??= Task.Run(() => FeedAsync(_feederStop.Token), CancellationToken.None);
        }

        return new FfmpegOutputSource(process, _activity, _options.StallTimeout, hls is null ? null : hls.LastWriteUtc);
    }

    public void Dispose()
    {
        _feederStop.Cancel();
        var process = _process;
        _sessions.Remove(_session);
        _session.State = _session.State == "failed" ? "failed" : "stopped";

        // Stopping waits for ffmpeg to flush and exit; nobody waits for that here.
        _ = Task.Run(async () =>
        {
            if (process is not null)
            {
                await process.StopAsync(_stopGrace);
                await process.DisposeAsync();
            }

            if (_feeder is { } feeder)
            {
                await feeder.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            _inner?.Dispose();
            _session.Hls?.Dispose();
            _feederStop.Dispose();
        });
    }

    /// <summary>The stream's bytes, source after source, into whichever ffmpeg runs now.</summary>
    private async Task FeedAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        SourceStop? previous = null;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var source = await _inner!.OpenNextAsync(previous, cancellationToken);
                if (source is null)
                {
                    break;
                }

                Log.InputOpened(_logger, _stream.Id, source.Description);
                await using (source)
                {
                    previous = await CopyAsync(source, buffer, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The channel stopped.
        }
        catch (Exception exception)
        {
            _lastError = exception;
        }
        finally
        {
            // No more input: ffmpeg flushes what it has and exits, which ends the channel.
            _inputEnded = true;
            _process?.CloseStdin();
        }
    }

    private async Task<SourceStop> CopyAsync(IByteSource source, byte[] buffer, CancellationToken cancellationToken)
    {
        while (true)
        {
            int read;
            try
            {
                read = await source.ReadAsync(buffer, cancellationToken);
            }
            catch (HttpIOException exception) when (exception.HttpRequestError == HttpRequestError.ResponseEnded && !cancellationToken.IsCancellationRequested)
            {
                return new SourceStop(SourceStopKind.Ended, exception);
            }
            catch (Exception exception) when (exception is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
            {
                return new SourceStop(SourceStopKind.Failed, exception);
            }

            if (read == 0)
            {
                return new SourceStop(SourceStopKind.Ended);
            }

            await WriteToProcessAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }

    // A write to an ffmpeg that just died fails: those bytes are dropped, and the next chunk goes
    // to the process the channel starts instead (within a moment).
    private async Task WriteToProcessAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        var process = _process;
        if (process?.Stdin is not { } stdin || process.HasExited)
        {
            await Task.Delay(20, cancellationToken);
            return;
        }

        _activity.Writing();
        try
        {
            await stdin.WriteAsync(bytes, cancellationToken);
            await stdin.FlushAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(20, cancellationToken);
        }
        finally
        {
            _activity.Written();
        }
    }

    // On the injected clock: "a few times a minute" is judged as the rest of the proxy judges time.
    private bool MayRestart()
    {
        var now = _time.GetUtcNow();
        while (_restarts.Count > 0 && now - _restarts.Peek() > _restartWindow)
        {
            _restarts.Dequeue();
        }

        if (_restarts.Count >= _options.MaxRestartsPerMinute)
        {
            return false;
        }

        _restarts.Enqueue(now);
        return true;
    }

    // A stall the proxy saw is a stall, whatever stderr said before it.
    private static string Reason(FfmpegProcess process, SourceStop stop) => process.Verdict switch
    {
        _ when stop.Error?.Message.StartsWith("ffmpeg stalled", StringComparison.Ordinal) == true => "transcode_stalled",
        StderrVerdict.OutputFailed => "transcode_output_error",
        StderrVerdict.InputFailed => "transcode_input_error",
        _ => "transcode_process_exited",
    };

    private static partial class Log
    {
        [LoggerMessage(600, LogLevel.Information, "Stream {StreamId}: ffmpeg started (pid {Pid}, profile {Profile})")]
        public static partial void Started(ILogger logger, string streamId, int pid, string profile);

        [LoggerMessage(601, LogLevel.Warning, "Stream {StreamId}: restarting ffmpeg ({Reason}): {Error}")]
        public static partial void Restarting(ILogger logger, string streamId, string reason, string? error);

        [LoggerMessage(602, LogLevel.Error, "Stream {StreamId}: ffmpeg keeps failing ({Reason}), giving up: {Error}")]
        public static partial void GaveUp(ILogger logger, string streamId, string reason, string? error);

        [LoggerMessage(603, LogLevel.Debug, "Stream {StreamId}: transcoder input {Source}")]
        public static partial void InputOpened(ILogger logger, string streamId, string source);
    }
}
