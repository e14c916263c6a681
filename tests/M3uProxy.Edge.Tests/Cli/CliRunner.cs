using M3uProxy.Edge.Cli;
using M3uProxy.Edge.Tests.Infrastructure;

namespace M3uProxy.Edge.Tests.Cli;

/// <summary>What one CLI run printed and returned.</summary>
public sealed record CliResult(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Out}\n--- stderr ---\n{Error}";
}

/// <summary>
/// Runs the binary's CLI entry point in-process, as <c>m3u-proxy ARGS</c> would, with captured
/// output and its own environment variables (never the test process's), bounded in time.
/// </summary>
public static class CliRunner
{
    public static async Task<CliResult> RunAsync(IReadOnlyDictionary<string, string>? environment, bool terminal, params string[] args)
    {
        Assert.True(CliApp.Handles(args), $"'{string.Join(' ', args)}' would start the server, not the CLI");
        using var output = new StringWriter();
        using var error = new StringWriter();
        var console = new CliConsole(output, error, name => environment?.GetValueOrDefault(name), terminal);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        var exitCode = await CliApp.RunAsync(args, console, handleCtrlC: false, timeout.Token);
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }

    public static Task<CliResult> RunAsync(params string[] args) => RunAsync(null, terminal: false, args);

    /// <summary><c>COMMAND … --server &lt;host&gt;</c>.</summary>
    public static Task<CliResult> RunAgainstAsync(ProxyHost host, params string[] args)
        => RunAsync([.. args, "--server", host.BaseAddress.ToString()]);

    /// <summary>Exit code 0 and nothing on stderr.</summary>
    public static CliResult AssertSuccess(this CliResult result)
    {
        Assert.True(result.ExitCode == 0 && result.Error.Length == 0, result.ToString());
        return result;
    }
}
