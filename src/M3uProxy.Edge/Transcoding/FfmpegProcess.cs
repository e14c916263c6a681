using M3uProxy.Edge.Tools;

namespace M3uProxy.Edge.Transcoding;

/// <summary>
/// One running ffmpeg, supervised: started through <see cref="ToolProcess"/> (argv, never a shell),
/// recorded in the <see cref="ProcessLedger"/>, its stderr parsed line by line into
/// <see cref="FfmpegMediaInfo"/> and a <see cref="StderrVerdict"/>, and stopped in stages (close
/// stdin so it flushes, then SIGTERM, then SIGKILL of the whole tree, always reaped). Knows nothing
/// about viewers: transcoding and broadcasts both run their ffmpeg through it.
/// </summary>
internal sealed class FfmpegProcess : IAsyncDisposable
{
    private readonly ToolProcess _process;
    private long _lastStderrTicks;
    private int _verdict;
    private string? _lastError;

    private FfmpegProcess(ToolProcess process, FfmpegMediaInfo mediaInfo)
    {
        _process = process;
        MediaInfo = mediaInfo;
    }

    public int Id => _process.Id;

    /// <summary>ffmpeg's stdin (<see cref="Stream.Null"/> unless asked for): the input when it reads <c>pipe:0</c>.</summary>
    public Stream Stdin => _process.Stdin;

    /// <summary>ffmpeg's stdout (<see cref="Stream.Null"/> unless asked for): the output when it writes <c>pipe:1</c>.</summary>
    public Stream Stdout => _process.Stdout;

    public Task<int> Exited => _process.Exited;

    public bool HasExited => _process.Exited.IsCompleted;

    public FfmpegMediaInfo MediaInfo { get; }

    /// <summary>The worst thing stderr said so far.</summary>
    public StderrVerdict Verdict => (StderrVerdict)Volatile.Read(ref _verdict);

    /// <summary>The last warning or error line, for <c>stream_failed</c> and <c>/streams/{id}</c>.</summary>
    public string? LastError => Volatile.Read(ref _lastError);

    public DateTime StartedUtc { get; } = DateTime.UtcNow;

    public static FfmpegProcess Start(ToolPaths paths, IReadOnlyList<string> arguments, ProcessLedger ledger, bool feedStdin, bool readStdout)
    {
        var mediaInfo = new FfmpegMediaInfo();
        FfmpegProcess? self = null;
        var command = new ToolCommand(paths.Ffmpeg, arguments)
        {
            RedirectStdin = feedStdin,
            RedirectStdout = readStdout,
            StderrTailLines = 64,
            OnStderrLine = line =>
            {
                mediaInfo.OnLine(line);
                self?.OnStderr(line);
            },
        };
        var process = ToolProcess.Start(command);
        self = new FfmpegProcess(process, mediaInfo);
        ledger.Track(process);
        return self;
    }

    /// <summary>No more input: ffmpeg flushes what it has and exits.</summary>
    public void CloseStdin() => _process.CloseStdin();

    public IReadOnlyList<string> StderrTail() => _process.StderrTail();

    /// <summary>Close stdin (ffmpeg flushes and exits), then SIGTERM, then SIGKILL after <paramref name="grace"/>; always reaped.</summary>
    public Task StopAsync(TimeSpan grace) => _process.StopAsync(grace);

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private void OnStderr(string line)
    {
        Volatile.Write(ref _lastStderrTicks, DateTime.UtcNow.Ticks);
        if (line.StartsWith("[error]", StringComparison.Ordinal) || line.StartsWith("[fatal]", StringComparison.Ordinal) || line.StartsWith("[warning]", StringComparison.Ordinal))
        {
            Volatile.Write(ref _lastError, line);
        }

        var verdict = StderrClassifier.Classify(line);
        if ((int)verdict > Volatile.Read(ref _verdict))
        {
            Volatile.Write(ref _verdict, (int)verdict);
        }
    }
}
