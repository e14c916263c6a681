using System.Text.Json.Nodes;
using M3uProxy.Edge.Testing;

namespace M3uProxy.Edge.Tests.Infrastructure;

/// <summary>Runs a check of <c>tests/browser/</c> (Node.js + playwright-core driving Debian's Chromium) and returns the JSON report it prints last.</summary>
public static class BrowserCheck
{
    public static async Task<JsonNode> RunAsync(string script, params string[] arguments)
    {
        var run = await ToolProcess.RunAsync(
            "node",
            [RepoPaths.File("tests", "browser", script), .. arguments],
            TimeSpan.FromSeconds(90),
            TestContext.Current.CancellationToken,
            start => start.WorkingDirectory = RepoPaths.File("tests", "browser"));
        Assert.True(run.ExitCode == 0, $"node exited {run.ExitCode}: {run.StandardError}");
        return JsonNode.Parse(run.StandardOutput.Trim().Split('\n')[^1])!;
    }

    /// <summary>Where screenshots are kept as test artifacts.</summary>
    public static string Screenshot(string name)
    {
        var folder = RepoPaths.File("artifacts", "test-results");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }
}
