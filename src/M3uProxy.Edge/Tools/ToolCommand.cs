namespace M3uProxy.Edge.Tools;

/// <summary>
/// An external program and its arguments, each one argv entry: no shell ever parses them, so a
/// value can never become two arguments or a second command.
/// </summary>
internal sealed record ToolCommand(string FileName, IReadOnlyList<string> Arguments)
{
    /// <summary>Give the caller the program's stdin; otherwise it reads an empty stdin (never ours).</summary>
    public bool RedirectStdin { get; init; }

    /// <summary>Give the caller the program's stdout; otherwise it is read and dropped (never ours).</summary>
    public bool RedirectStdout { get; init; }

    public string? WorkingDirectory { get; init; }

    /// <summary>Variables added to (or, with a null value, removed from) the inherited environment.</summary>
    public IReadOnlyDictionary<string, string?>? Environment { get; init; }

    /// <summary>How many of the last stderr lines are kept for diagnostics.</summary>
    public int StderrTailLines { get; init; } = 40;

    /// <summary>Called for every stderr line, on the reading task (progress, classification); must not block.</summary>
    public Action<string>? OnStderrLine { get; init; }

    /// <summary>The program's name for logs: no arguments, which may carry URLs.</summary>
    public string Name => Path.GetFileName(FileName);
}
