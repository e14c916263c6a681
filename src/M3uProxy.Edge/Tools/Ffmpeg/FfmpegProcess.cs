namespace M3uProxy.Edge.Tools.Ffmpeg;

/// <summary>
/// One running ffmpeg, supervised: started through <see cref="ToolProcess"/> (argv, never a shell),
/// recorded in the <see cref="ProcessLedger"/> (so a crash of the proxy leaves no orphan), its
/// stderr parsed line by line into <see cref="FfmpegMediaInfo"/> and a <see cref="StderrVerdict"/>,
/// and stopped in stages (<c>q</c> or closed stdin so it finishes cleanly, then SIGTERM, then
/// SIGKILL of the whole tree, always reaped). Knows nothing about viewers or programmes:
/// transcoding and broadcasts both run their ffmpeg through it.
/// </summary>
internal sealed class FfmpegProcess : IAsyncDisposable
{
    private readonly ToolProcess _process;
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

    /// <summary>Starts ffmpeg and records it in <paramref name="ledger"/>. Throws <see cref="ToolNotFoundException"/> when it cannot be started.</summary>
    /// <param name="paths">Where ffmpeg is.</param>
    /// <param name="arguments">The whole argument list.</param>
    /// <param name="ledger">This run's record of started processes.</param>
    /// <param name="options">Pipes, working folder and an extra stderr reader.</param>
    public static FfmpegProcess Start(ToolPaths paths, IReadOnlyList<string> arguments, ProcessLedger ledger, FfmpegStartOptions options)
    {
        var mediaInfo = new FfmpegMediaInfo();
        FfmpegProcess? self = null;
        var command = new ToolCommand(paths.Ffmpeg, arguments)
        {
            RedirectStdin = options.Stdin,
            RedirectStdout = options.Stdout,
            WorkingDirectory = options.WorkingDirectory,
            StderrTailLines = 64,
            OnStderrLine = line =>
            {
                mediaInfo.OnLine(line);
                self?.OnStderr(line);
                options.OnStderrLine?.Invoke(line);
            },
        };
        var process = ToolProcess.Start(command);
        self = new FfmpegProcess(process, mediaInfo);
        ledger.Track(process);
        return self;
    }

    /// <summary>No more input: ffmpeg flushes what it has and exits.</summary>
    public void CloseStdin() => _process.CloseStdin();

    /// <summary>
    /// Asks ffmpeg to quit the way a user at its console would (<c>q</c>): it finishes the current
    /// segment and writes its trailer. Needs a redirected stdin and no <c>-nostdin</c>.
    /// </summary>
    public async Task AskToQuitAsync()
    {
        try
        {
            await _process.Stdin.WriteAsync("q"u8.ToArray());
            await _process.Stdin.FlushAsync();
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // ffmpeg already closed its stdin: the stop escalates to SIGTERM.
        }
    }

    public IReadOnlyList<string> StderrTail() => _process.StderrTail();

    /// <summary>Close stdin (ffmpeg flushes and exits), then SIGTERM, then SIGKILL after <paramref name="grace"/>; always reaped.</summary>
    public Task StopAsync(TimeSpan grace) => _process.StopAsync(grace);

    /// <summary>Kills the whole process tree now.</summary>
    public void KillTree() => _process.KillTree();

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private void OnStderr(string line)
    {
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

/// <summary>How an ffmpeg is started: which pipes the proxy uses, where it runs, and who else reads its stderr.</summary>
internal sealed record FfmpegStartOptions
{
    /// <summary>Feed stdin (the input, or the <c>q</c> that stops it); otherwise stdin is closed at once.</summary>
    public bool Stdin { get; init; }

    /// <summary>Read stdout (the output); otherwise it is drained and dropped.</summary>
    public bool Stdout { get; init; }

    public string? WorkingDirectory { get; init; }

    /// <summary>Called for every stderr line after the media info and verdict have seen it.</summary>
    public Action<string>? OnStderrLine { get; init; }
}
