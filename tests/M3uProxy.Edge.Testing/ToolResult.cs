namespace M3uProxy.Edge.Testing;

/// <summary>How a command-line tool run ended.</summary>
public sealed record ToolResult(int ExitCode, string StandardOutput, string StandardError);
