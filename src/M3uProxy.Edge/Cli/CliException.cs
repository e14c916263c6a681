namespace M3uProxy.Edge.Cli;

/// <summary>A failure the CLI reports as one clear line on stderr and an exit code (<see cref="CliExitCodes"/>).</summary>
internal sealed class CliException(int exitCode, string message, Exception? inner = null) : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;
}
