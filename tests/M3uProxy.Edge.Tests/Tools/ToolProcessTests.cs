using M3uProxy.Edge.Tools;

namespace M3uProxy.Edge.Tests.Tools;

/// <summary>The one way the server runs a program: argv lists, pipes, stderr tail, stop and kill, always reaped.</summary>
public sealed class ToolProcessTests
{
    private static readonly TimeSpan _bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Start_PassesEachArgumentWhole_NeverThroughAShell()
    {
        // With a shell, "$HOME; echo injected" would expand and run a second command.
        var hostile = "$HOME; echo injected";
        var result = await ToolRunner.RunAsync(new ToolCommand("printf", ["%s|", hostile, "two words"]), ReadOnlyMemory<byte>.Empty, _bound, TestContext.Current.CancellationToken);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("$HOME; echo injected|two words|", result.Stdout);
    }

    [Fact]
    public async Task Runner_FeedsStdin_AndCapturesStdout()
    {
        var result = await ToolRunner.RunAsync(new ToolCommand("cat", []), "bytes through"u8.ToArray(), _bound, TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded);
        Assert.Equal("bytes through", result.Stdout);
    }

    [Fact]
    public async Task Runner_MissingProgram_SaysNotFound()
    {
        var result = await ToolRunner.RunAsync(new ToolCommand("/nonexistent/m3u-proxy-tool", []), ReadOnlyMemory<byte>.Empty, _bound, TestContext.Current.CancellationToken);

        Assert.True(result.NotFound);
        Assert.Null(result.ExitCode);
    }

    [Fact]
    public async Task Runner_Timeout_KillsTheProgram()
    {
        var result = await ToolRunner.RunAsync(new ToolCommand("sleep", ["30"]), ReadOnlyMemory<byte>.Empty, TimeSpan.FromMilliseconds(300), TestContext.Current.CancellationToken);

        Assert.True(result.TimedOut);
        Assert.Null(result.ExitCode);
    }

    [Fact]
    public async Task Stop_ClosesStdinFirst_SoAWellBehavedProgramExitsCleanly()
    {
        await using var process = ToolProcess.Start(new ToolCommand("cat", []) { RedirectStdin = true, RedirectStdout = true });
        await process.Stdin.WriteAsync("last words"u8.ToArray(), TestContext.Current.CancellationToken);
        var output = new StreamReader(process.Stdout).ReadToEndAsync(TestContext.Current.CancellationToken);

        var exitCode = await process.StopAsync(TimeSpan.FromSeconds(10)).WaitAsync(_bound, TestContext.Current.CancellationToken);

        Assert.Equal(0, exitCode);
        Assert.Equal("last words", await output);
    }

    [Fact]
    public async Task Stop_SendsSigTerm_ToAProgramThatIgnoresStdin()
    {
        await using var process = ToolProcess.Start(new ToolCommand("sleep", ["60"]));

        var exitCode = await process.StopAsync(TimeSpan.FromMilliseconds(200)).WaitAsync(_bound, TestContext.Current.CancellationToken);

        Assert.Equal(143, exitCode); // 128 + SIGTERM: ended by the signal, not by the kill
        Assert.False(ProcessIsAlive(process.Id));
    }

    [Fact]
    public async Task Stop_KillsTheWholeTree_WhenSigTermIsIgnored()
    {
        // A shell that ignores SIGTERM and has a child: both must be gone afterwards.
        await using var process = ToolProcess.Start(new ToolCommand("sh", ["-c", "trap '' TERM; sleep 60 & echo $!; wait"]) { RedirectStdout = true });
        var child = int.Parse((await new StreamReader(process.Stdout).ReadLineAsync(TestContext.Current.CancellationToken))!, System.Globalization.CultureInfo.InvariantCulture);

        await process.StopAsync(TimeSpan.FromMilliseconds(200)).WaitAsync(_bound, TestContext.Current.CancellationToken);

        Assert.False(ProcessIsAlive(process.Id));
        Assert.True(await GoneWithinAsync(child), "the child survived its parent's kill");
    }

    [Fact]
    public async Task Dispose_KillsAndReaps_ARunningProgram()
    {
        var process = ToolProcess.Start(new ToolCommand("sleep", ["60"]));
        var id = process.Id;

        await process.DisposeAsync();

        Assert.True(process.HasExited);
        Assert.False(ProcessIsAlive(id)); // reaped: not even a zombie entry is left
    }

    [Fact]
    public async Task StderrTail_KeepsTheLastLines_AndReportsEachLine()
    {
        var seen = 0;
        await using var process = ToolProcess.Start(new ToolCommand("sh", ["-c", "for i in 1 2 3 4 5; do echo line$i >&2; done"])
        {
            StderrTailLines = 2,
            OnStderrLine = _ => Interlocked.Increment(ref seen),
        });

        await process.Exited.WaitAsync(_bound, TestContext.Current.CancellationToken);

        Assert.Equal(["line4", "line5"], process.StderrTail());
        Assert.Equal(5, seen);
    }

    [Fact]
    public void Start_MissingProgram_ThrowsToolNotFound()
    {
        var error = Assert.Throws<ToolNotFoundException>(() => ToolProcess.Start(new ToolCommand("/nonexistent/m3u-proxy-tool", [])));
        Assert.Equal("/nonexistent/m3u-proxy-tool", error.FileName);
    }

    private static bool ProcessIsAlive(int id) => Directory.Exists($"/proc/{id}");

    private static async Task<bool> GoneWithinAsync(int id)
    {
        for (var i = 0; i < 100 && ProcessIsAlive(id) && !IsZombie(id); i++)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        return !ProcessIsAlive(id) || IsZombie(id);
    }

    private static bool IsZombie(int id)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{id}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return false;
        }
    }
}
