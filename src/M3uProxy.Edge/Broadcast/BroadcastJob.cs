using M3uProxy.Edge.Api;
using M3uProxy.Edge.Tools;
using M3uProxy.Edge.Tools.Ffmpeg;
using M3uProxy.Edge.Upstream;

namespace M3uProxy.Edge.Broadcast;

/// <summary>
/// One programme of a network: one ffmpeg (an <see cref="FfmpegProcess"/>, recorded in the run's
/// <see cref="ProcessLedger"/> so a crash leaves no orphan) that plays the source in real time into
/// the network's folder. It publishes each finished segment to the network's <see cref="BroadcastOutput"/>,
/// counts the bytes of finished segments exactly, stops ffmpeg on an input error, and reports its
/// outcome through the callback exactly once: <c>programme_ended</c> (ffmpeg finished) or
/// <c>broadcast_failed</c> (input error or non-zero exit). Intentional stops and failed starts
/// (already answered with a 500) send nothing.
/// </summary>
internal sealed partial class BroadcastJob : IAsyncDisposable
{
    // Segments last seconds; a fifth of a second between looks is cheap and keeps the playlist fresh.
    private static readonly TimeSpan _pollInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan _inputErrorStopGrace = TimeSpan.FromSeconds(2);

    private readonly BroadcastCommand _command;
    private readonly ToolPaths _tools;
    private readonly ProcessLedger _ledger;
    private readonly TimeProvider _time;
    private readonly BroadcastCallbackSender _callbacks;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _firstSegment = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private FfmpegProcess? _process;
    private Task _monitor = Task.CompletedTask;
    private long _lastPublished = -1;
    private DateTimeOffset _nextProgramDateTime;
    private long _bytesWritten;
    private volatile string? _inputError;
    private volatile bool _intentional;
    private volatile bool _announced;
    private int _outcomeSent;
    private BroadcastCallback? _outcome;
    private int _status = (int)BroadcastStatus.Starting;

    public BroadcastJob(string networkId, BroadcastCommand command, BroadcastOutput output, ToolPaths tools, ProcessLedger ledger, TimeProvider time, BroadcastCallbackSender callbacks, ILogger logger)
    {
        NetworkId = networkId;
        _command = command;
        Output = output;
        _tools = tools;
        _ledger = ledger;
        _time = time;
        _callbacks = callbacks;
        _logger = logger;
        StartedAt = time.GetUtcNow();
        _nextProgramDateTime = StartedAt;
    }

    public string NetworkId { get; }

    public BroadcastStartRequest Request => _command.Request;

    public BroadcastOutput Output { get; }

    public long StartNumber => _command.StartNumber;

    public DateTimeOffset StartedAt { get; }

    public int? ProcessId => _process?.Id;

    public BroadcastStatus Status => (BroadcastStatus)Volatile.Read(ref _status);

    public string? ErrorMessage { get; private set; }

    /// <summary>Bytes of the segments this programme finished (the reference counted half-written ones).</summary>
    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    /// <summary>The newest finished segment of this programme, or its start number before the first.</summary>
    public long CurrentSegmentNumber => Interlocked.Read(ref _lastPublished) is >= 0 and var last ? last : StartNumber;

    /// <summary>Completes when ffmpeg has exited and its last segments are published.</summary>
    public Task Completion => _monitor;

    /// <summary>Starts ffmpeg. Throws when it cannot be started (the caller answers 500).</summary>
    public void Start()
    {
        Output.Folder.DeleteFile(SegmenterPlaylist.FileName);
        // 'q' on stdin makes ffmpeg finish its current segment and exit cleanly.
        var options = new FfmpegStartOptions { Stdin = true, WorkingDirectory = Output.Folder.Path, OnStderrLine = OnStderrLine };
        _process = FfmpegProcess.Start(_tools, _command.Arguments(), _ledger, options);
        Log.Started(_logger, NetworkId, _process.Id, StartNumber, UrlMasking.Mask(Request.StreamUrl));
        _monitor = Task.Run(MonitorAsync);
    }

    /// <summary>
    /// Waits until the first segment exists (true), or the programme fails or ends first, or
    /// <paramref name="bound"/> passes (false only on failure; a slow healthy start counts as running).
    /// </summary>
    public async Task<bool> WaitForStartAsync(TimeSpan bound, CancellationToken cancellationToken)
    {
        var first = await Task.WhenAny(_firstSegment.Task, _failed.Task, _monitor, Task.Delay(bound, _time, cancellationToken));
        if (first == _firstSegment.Task)
        {
            return true;
        }

        if (first == _failed.Task || first == _monitor)
        {
            // The programme may have finished normally after its segments were written (a short clip).
            return _firstSegment.Task.IsCompleted && _inputError is null && _outcome?.Event == BroadcastEvents.ProgrammeEnded;
        }

        cancellationToken.ThrowIfCancellationRequested();
        return _inputError is null && !_monitor.IsCompleted;
    }

    /// <summary>Why a start failed, for the 500 answer.</summary>
    public string FailureReason()
    {
        if (_inputError is { } line)
        {
            return line;
        }

        var tail = _process?.StderrTail() ?? [];
        var last = tail.LastOrDefault(l => l.Trim().Length > 0);
        return UrlMasking.MaskText(last) ?? (_process?.HasExited == true ? $"FFmpeg exited with code {_process.Exited.Result}" : "no segment was written in time");
    }

    /// <summary>The start was answered with success: from now on the outcome is reported through the callback.</summary>
    public void Announce()
    {
        Interlocked.CompareExchange(ref _status, (int)BroadcastStatus.Running, (int)BroadcastStatus.Starting);
        _announced = true;
        TrySendOutcome();
    }

    /// <summary>Stops ffmpeg on purpose (stop, transition, shutdown, failed start): no callback.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        _intentional = true;
        if (_process is null)
        {
            return;
        }

        if (!_process.HasExited)
        {
            Volatile.Write(ref _status, (int)BroadcastStatus.Stopping);
            await _process.AskToQuitAsync();
            await _process.StopAsync(grace);
        }

        await _monitor;
    }

    /// <summary>Kills ffmpeg at once (delete): no callback.</summary>
    public async Task KillAsync()
    {
        _intentional = true;
        _process?.KillTree();
        await _monitor;
    }

    public async ValueTask DisposeAsync()
    {
        _intentional = true;
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        await _monitor;
    }

    private void OnStderrLine(string line)
    {
        if (_inputError is null && !_intentional && InputErrors.IsInputError(line))
        {
            var masked = UrlMasking.MaskText(line.Trim()) ?? "";
            _inputError = masked;
            ErrorMessage = masked;
            Volatile.Write(ref _status, (int)BroadcastStatus.Failed);
            Log.InputError(_logger, NetworkId, masked);
            _failed.TrySetResult();
            return;
        }

        Log.FfmpegLine(_logger, NetworkId, UrlMasking.MaskText(line) ?? "");
    }

    private async Task MonitorAsync()
    {
        var process = _process!;
        var stopping = false;
        while (!process.HasExited)
        {
            await Task.WhenAny(process.Exited, Task.Delay(_pollInterval, CancellationToken.None));
            PublishNewSegments();
            if (_inputError is not null && !stopping)
            {
                // The source is gone; ffmpeg could keep reconnecting for a long time.
                stopping = true;
                await process.AskToQuitAsync();
                _ = process.StopAsync(_inputErrorStopGrace);
            }
        }

        var exitCode = await process.Exited;
        PublishNewSegments();
        Finish(exitCode);
    }

    private void PublishNewSegments()
    {
        string text;
        try
        {
            text = File.ReadAllText(Output.Folder.FileOf(SegmenterPlaylist.FileName));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return;
        }

        foreach (var (number, duration) in SegmenterPlaylist.Parse(text))
        {
            if (number < StartNumber || number <= _lastPublished)
            {
                continue;
            }

            var file = new FileInfo(Output.Folder.FileOf(Output.Folder.SegmentName(number)));
            if (!file.Exists)
            {
                continue;
            }

            var first = _lastPublished < 0;
            Output.Publish(new PlaylistSegment(number, duration, _nextProgramDateTime, first && _command.Discontinuity, file.Length));
            _nextProgramDateTime += TimeSpan.FromSeconds(duration);
            Interlocked.Exchange(ref _lastPublished, number);
            Interlocked.Add(ref _bytesWritten, file.Length);
            if (first)
            {
                Log.FirstSegment(_logger, NetworkId, number, (_time.GetUtcNow() - StartedAt).TotalMilliseconds);
                _firstSegment.TrySetResult();
            }
        }
    }

    private void Finish(int exitCode)
    {
        var final = CurrentSegmentNumber;
        var streamed = Math.Round((_time.GetUtcNow() - StartedAt).TotalSeconds, 3);
        BroadcastCallbackData data;
        string eventName;
        if (_inputError is { } line)
        {
            eventName = BroadcastEvents.BroadcastFailed;
            data = new BroadcastCallbackData(exitCode, final, streamed, line, "input_error");
        }
        else if (exitCode == 0 || _intentional)
        {
            eventName = BroadcastEvents.ProgrammeEnded;
            data = new BroadcastCallbackData(exitCode, final, streamed, null, null);
        }
        else
        {
            eventName = BroadcastEvents.BroadcastFailed;
            ErrorMessage = $"FFmpeg exited with code {exitCode}";
            data = new BroadcastCallbackData(exitCode, final, streamed, ErrorMessage, null);
        }

        Volatile.Write(ref _status, (int)(eventName == BroadcastEvents.ProgrammeEnded ? BroadcastStatus.Stopped : BroadcastStatus.Failed));
        _outcome = new BroadcastCallback(NetworkId, eventName, Timestamps.Aware(_time.GetUtcNow()), Output.IsDvr, Output.IsDvr ? Output.DirectoryName : null, data);
        Log.Ended(_logger, NetworkId, exitCode, final, _intentional ? "stopped" : eventName);
        _failed.TrySetResult();
        TrySendOutcome();
    }

    private void TrySendOutcome()
    {
        if (_outcome is not { } outcome || !_announced || _intentional || Request.CallbackUrl is not { } url)
        {
            return;
        }

        if (Interlocked.Exchange(ref _outcomeSent, 1) == 0)
        {
            _callbacks.Send(url, outcome);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(700, LogLevel.Information, "Broadcast {NetworkId}: ffmpeg {ProcessId} started at segment {StartNumber} from {Url}")]
        public static partial void Started(ILogger logger, string networkId, int processId, long startNumber, string url);

        [LoggerMessage(701, LogLevel.Information, "Broadcast {NetworkId}: first segment {Number} after {Milliseconds:0} ms")]
        public static partial void FirstSegment(ILogger logger, string networkId, long number, double milliseconds);

        [LoggerMessage(702, LogLevel.Warning, "Broadcast {NetworkId}: input error: {Line}")]
        public static partial void InputError(ILogger logger, string networkId, string line);

        [LoggerMessage(703, LogLevel.Debug, "Broadcast {NetworkId}: ffmpeg: {Line}")]
        public static partial void FfmpegLine(ILogger logger, string networkId, string line);

        [LoggerMessage(704, LogLevel.Information, "Broadcast {NetworkId}: ffmpeg exited with code {ExitCode} at segment {FinalSegment} ({Outcome})")]
        public static partial void Ended(ILogger logger, string networkId, int exitCode, long finalSegment, string outcome);
    }
}

/// <summary>The callback's <c>event</c> values.</summary>
internal static class BroadcastEvents
{
    public const string ProgrammeEnded = "programme_ended";
    public const string BroadcastFailed = "broadcast_failed";
}
