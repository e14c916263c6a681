namespace M3uProxy.Edge.Tools;

/// <summary>How a short-lived program run ended. <see cref="ExitCode"/> is null when it never ran to the end.</summary>
internal sealed record ToolRunResult(int? ExitCode, string Stdout, string Stderr, bool TimedOut, bool NotFound)
{
    public bool Succeeded => ExitCode == 0;
}
