namespace M3uProxy.Edge.Cli;

/// <summary>
/// What the CLI writes to and reads from: its output writers, its environment variables, and
/// whether the output is a terminal (monitor redraws in place only then). Tests inject their own.
/// </summary>
internal sealed record CliConsole(TextWriter Out, TextWriter Error, Func<string, string?> GetEnvironmentVariable, bool IsTerminal)
{
    public static CliConsole System => new(Console.Out, Console.Error, Environment.GetEnvironmentVariable, !Console.IsOutputRedirected);
}
