using M3uProxy.Edge.Configuration;

namespace M3uProxy.Edge.Cli;

/// <summary>
/// What the CLI writes to and reads from: its output writers, its environment variables, and
/// whether the output is a terminal (monitor redraws in place only then). Tests inject their own.
/// </summary>
internal sealed record CliConsole(TextWriter Out, TextWriter Error, Func<string, string?> GetEnvironmentVariable, bool IsTerminal)
{
    /// <summary>
    /// The process's console; variables come from the environment, then from the <c>.env</c> in the
    /// working directory, as the server reads them (so <c>m3u-proxy list</c> beside the server's
    /// <c>.env</c> finds its port and token).
    /// </summary>
    public static CliConsole System
    {
        get
        {
            var dotEnv = new Lazy<Dictionary<string, string?>>(() => DotEnvFile.ReadIfPresent(Path.Combine(Environment.CurrentDirectory, ".env")));
            return new(Console.Out, Console.Error, name => Environment.GetEnvironmentVariable(name) ?? dotEnv.Value.GetValueOrDefault(name), !Console.IsOutputRedirected);
        }
    }
}
