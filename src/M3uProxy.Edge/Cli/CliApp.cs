using System.CommandLine;
using M3uProxy.Edge.Cli.Commands;

namespace M3uProxy.Edge.Cli;

/// <summary>
/// The client half of the binary: <c>m3u-proxy create|list|info|delete|failover|stats|health|monitor</c>
/// talk to a running proxy's management API (System.CommandLine). Anything else is the server's
/// command line, so the server's start-up never builds any of this.
/// </summary>
internal static class CliApp
{
    public static readonly string[] CommandNames = ["create", "list", "info", "delete", "failover", "stats", "health", "monitor"];

    /// <summary>True when the arguments start with a client command or a client-only option such as <c>--server</c>.</summary>
    public static bool Handles(IReadOnlyList<string> args)
    {
        if (args.Count == 0)
        {
            return false;
        }

        var first = args[0];
        var equals = first.IndexOf('=', StringComparison.Ordinal);
        var name = first.StartsWith("--", StringComparison.Ordinal) && equals > 0 ? first[..equals] : first;
        return CommandNames.Contains(name, StringComparer.Ordinal) || GlobalOptions.Names.Contains(name, StringComparer.Ordinal);
    }

    /// <summary>
    /// Parses and runs one command, writing to <paramref name="console"/>; returns the exit code. With
    /// <paramref name="handleCtrlC"/> (the real process) Ctrl-C cancels the command and ends <c>monitor</c> cleanly.
    /// </summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, bool handleCtrlC, CancellationToken cancellationToken)
    {
        var root = BuildRoot(console);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await console.Error.WriteLineAsync($"m3u-proxy: {error.Message}");
            }

            var command = parse.CommandResult.Command == root ? "" : parse.CommandResult.Command.Name + " ";
            await console.Error.WriteLineAsync($"Run 'm3u-proxy {command}--help' for usage.");
            return CliExitCodes.Usage;
        }

        return await parse.InvokeAsync(
            new InvocationConfiguration
            {
                Output = console.Out,
                Error = console.Error,
                ProcessTerminationTimeout = handleCtrlC ? TimeSpan.FromSeconds(2) : null,
            },
            cancellationToken);
    }

    private static RootCommand BuildRoot(CliConsole console)
    {
        var options = new GlobalOptions();
        var runner = new CommandRunner(console, options);
        var root = new RootCommand("Talk to a running m3u-proxy. Run the server with no command (or 'serve'); see m3u-proxy --help.")
        {
            CreateCommand.Create(runner),
            ListCommand.Create(runner),
            InfoCommand.Create(runner),
            DeleteCommand.Create(runner),
            FailoverCommand.Create(runner),
            StatsCommand.Create(runner),
            HealthCommand.Create(runner),
            MonitorCommand.Create(runner),
        };
        options.AddTo(root);
        return root;
    }
}
