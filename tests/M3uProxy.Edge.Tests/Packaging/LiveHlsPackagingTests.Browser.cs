using System.Globalization;
using System.Text.Json.Nodes;
using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Tests.Infrastructure;

namespace M3uProxy.Edge.Tests.Packaging;

/// <summary>The packaged live HLS in the player most web front-ends use: hls.js in real headless Chromium (<c>tests/browser/hls-check.mjs</c>).</summary>
public sealed partial class LiveHlsPackagingTests
{
    [Fact]
    public async Task HlsJs_PlaysThePackagedHls_InChromium()
    {
        var (origin, proxy, streamId) = await StartAsync();
        await using var _ = origin;
        await using var __ = proxy;
        var playlist = new Uri(proxy.BaseAddress, $"hls/{streamId}/playlist.m3u8").ToString();

        var run = await ToolProcess.RunAsync(
            "node",
            [RepoPaths.File("tests", "browser", "hls-check.mjs"), playlist, "8"],
            TimeSpan.FromSeconds(90),
            TestContext.Current.CancellationToken,
            start => start.WorkingDirectory = RepoPaths.File("tests", "browser"));

        Assert.True(run.ExitCode == 0, $"node exited {run.ExitCode}: {run.StandardError}");
        var report = JsonNode.Parse(run.StandardOutput.Trim().Split('\n')[^1])!;
        Assert.True(report["error"] is null, report.ToJsonString());
        Assert.True(report["mediaError"] is null, report.ToJsonString());
        Assert.DoesNotContain(report["hlsErrors"]!.AsArray(), error => ((string)error!).EndsWith("/fatal", StringComparison.Ordinal));
        Assert.Empty(report["pageErrors"]!.AsArray());
        Assert.True((int)report["width"]! > 0 && (int)report["height"]! > 0, report.ToJsonString());
        // Started within the first seconds and kept playing: a few seconds of picture out of eight.
        Assert.True(double.Parse(report["currentTime"]!.ToString(), CultureInfo.InvariantCulture) >= 3, report.ToJsonString());
        Assert.True((int)report["decodedFrames"]! >= 50, report.ToJsonString());
        Assert.Equal(1, origin.RequestCount(ChannelPath));
    }
}
