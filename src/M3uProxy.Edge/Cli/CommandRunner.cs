using System.CommandLine;

namespace M3uProxy.Edge.Cli;

/// <summary>
/// Gives every command the same run: a client built from the global options, and any
/// <see cref="CliException"/> turned into <c>m3u-proxy: …</c> on stderr and its exit code.
/// </summary>
internal sealed class CommandRunner(CliConsole console, GlobalOptions options)
{
    public void SetAction(Command command, Func<CommandContext, CancellationToken, Task<int>> run)
        => command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                using var client = options.CreateClient(parse, console);
                return await run(new CommandContext(parse, client, console, parse.GetValue(options.Json)), cancellationToken);
            }
            catch (CliException exception)
            {
                await console.Error.WriteLineAsync($"m3u-proxy: {exception.Message}");
                return exception.ExitCode;
            }
        });
}
