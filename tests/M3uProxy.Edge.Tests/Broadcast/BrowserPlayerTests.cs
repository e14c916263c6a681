using System.Globalization;
using System.Text.Json.Nodes;
using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Tests.Infrastructure;

namespace M3uProxy.Edge.Tests.Broadcast;

/// <summary>
/// hls.js in headless Chromium (<c>tests/browser/hls-check.mjs</c>) reads a network's
/// <c>live.m3u8</c> through a front that rewrites the bare segment names, as m3u-editor does, and
/// keeps playing across a programme switch.
/// </summary>
[Collection(BroadcastTests.Name)]
public sealed class BrowserPlayerTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HlsJs_KeepsPlayingAcrossAProgrammeSwitch()
    {
        await using var sandbox = await BroadcastSandbox.StartAsync();
        await using var front = await PlaylistFront.StartAsync(sandbox.Proxy.Client);

        // An endless live programme, interrupted by a 4 s one once the browser is fetching segments.
        var (first, _) = await sandbox.StartAsync("web", new { stream_url = sandbox.LiveUrl, segment_duration = 1, hls_list_size = 30 });
        Assert.Equal(200, first);
        var player = ToolProcess.RunAsync(
            "node",
            [RepoPaths.File("tests", "browser", "hls-check.mjs"), front.BaseAddress + "/web/live.m3u8", "25"],
            TimeSpan.FromSeconds(120),
            Token,
            start => start.WorkingDirectory = RepoPaths.File("tests", "browser"));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (front.FetchedSegments.Count < 2)
        {
            Assert.True(DateTime.UtcNow < deadline && !player.IsCompleted, "the browser never fetched a segment");
            await Task.Delay(200, Token);
        }

        var (second, body) = await sandbox.StartAsync("web", new { stream_url = sandbox.FileUrl, segment_duration = 1, hls_list_size = 30, duration_seconds = 4 });
        Assert.True(second == 200, body.ToJsonString());

        var run = await player;
        Assert.True(run.ExitCode == 0, $"node exited {run.ExitCode}: {run.StandardError}");
        var report = JsonNode.Parse(run.StandardOutput.Trim().Split('\n')[^1])!;
        Assert.True(report["error"] is null && report["mediaError"] is null, report.ToJsonString());
        Assert.DoesNotContain(report["hlsErrors"]!.AsArray(), error => ((string)error!).EndsWith("/fatal", StringComparison.Ordinal));
        Assert.Empty(report["pageErrors"]!.AsArray());

        // Where the second programme begins on the playlist's timeline: the media listed before its discontinuity.
        var playlist = await sandbox.PlaylistAsync("web");
        var discontinuity = playlist.IndexOf("#EXT-X-DISCONTINUITY\n", StringComparison.Ordinal);
        Assert.True(discontinuity > 0, playlist);
        var switchAt = playlist[..discontinuity].Split('\n').Where(l => l.StartsWith("#EXTINF:", StringComparison.Ordinal))
            .Sum(l => double.Parse(l["#EXTINF:".Length..].TrimEnd(','), CultureInfo.InvariantCulture));

        // The player crossed the switch and played at least 2 s of the next programme.
        var reached = double.Parse(report["currentTime"]!.ToString(), CultureInfo.InvariantCulture);
        Assert.True(reached > switchAt + 2, $"playback reached {reached:0.0} s, the switch is at {switchAt:0.0} s: {report.ToJsonString()}");
        var nextProgramme = BroadcastSandbox.SegmentLines(playlist[discontinuity..]);
        Assert.Contains(front.FetchedSegments, nextProgramme.Contains);
    }
}
