using M3uProxy.Edge.Tests.Infrastructure;
using M3uProxy.Edge.Transcoding;

namespace M3uProxy.Edge.Tests.Transcoding;

/// <summary>
/// Real libx264 transcodes on loopback: ffmpeg reads the proxy's own failover bytes on stdin, its
/// output is fanned out, and ffprobe/ffmpeg are the clients.
/// </summary>
[Collection(TranscodingTests.Name)]
public sealed class TranscodePlaybackTests
{
    private static readonly Dictionary<string, string?> _settings = new()
    {
        ["STREAM_RETRY_ATTEMPTS"] = "1",
        ["STREAM_RETRY_DELAY"] = "0.1",
        ["LIVE_CHUNK_TIMEOUT_SECONDS"] = "2",
        ["SHARED_STREAM_GRACE"] = "1",
        ["TRANSCODE_STALL_TIMEOUT"] = "4",
    };

    [Fact]
    public async Task ThreeViewers_ShareOneFfmpegAndOneUpstream_AndTheOutputDecodes()
    {
        await using var origin = await TranscodeFixture.StartOriginAsync();
        await using var proxy = await ProxyHost.StartAsync(_settings);
        var created = await TranscodeFixture.TranscodeAsync(proxy, new { url = origin.Url(TranscodeFixture.Live), profile = "lowlatency", metadata = new { m = "1" } });
        var id = (string)created["stream_id"]!;
        Assert.Equal(0, origin.RequestCount(TranscodeFixture.Live)); // nothing starts before the first viewer

        using var client = new MediaClient();
        var url = new Uri(proxy.BaseAddress, $"stream/{id}").ToString();
        var responses = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => client.OpenAsync(url, cancellationToken: TestContext.Current.CancellationToken)));
        Assert.All(responses, r => Assert.Equal("video/mp2t", r.Content.Headers.ContentType?.MediaType));
        System.Text.Json.Nodes.JsonObject? state = null;
        var watched = await Task.WhenAll(responses.Select((r, i) => Watching.WatchAsync(
            r,
            TimeSpan.FromSeconds(5),
            during: i == 0 ? async () => state = await TranscodeFixture.TranscodingStateAsync(proxy, id) : null,
            after: TimeSpan.FromSeconds(3))));

        var sessions = proxy.Services.GetRequiredService<TranscodeSessions>();
        Assert.True(sessions.TryGet(id, out var session));
        var pid = session.Process!.Id;
        Assert.Equal(1, sessions.RunningProcesses);
        Assert.Equal(1, origin.RequestCount(TranscodeFixture.Live));
        Assert.All(watched, w => Assert.True(w.Data.Length > 20_000, $"a viewer got only {w.Data.Length} bytes"));

        // /streams/{id} tells what ffmpeg read and writes, from its own output.
        Assert.Equal("lowlatency", (string?)state!["profile"]);
        Assert.Equal("running", (string?)state["ffmpeg_state"]);
        Assert.Equal("h264", (string?)state["media_info"]!["video_codec"]);
        Assert.Equal("320x240", (string?)state["media_info"]!["resolution"]);
        Assert.Equal("mpegts", (string?)state["output_media_info"]!["container"]);
        Assert.True((long?)state["output_media_info"]!["frame"] > 0);

        var probe = await TranscodeFixture.ProbeAsync(watched[0].Data);
        Assert.Contains("codec_name=h264", probe, StringComparison.Ordinal);
        Assert.Contains("codec_name=aac", probe, StringComparison.Ordinal);
        Assert.Contains("width=320", probe, StringComparison.Ordinal);

        foreach (var response in responses)
        {
            response.Dispose();
        }

        // The last viewer gone: ffmpeg stops after the grace, and its upstream closes.
        await TranscodeFixture.WaitUntilAsync(() => Task.FromResult(!TranscodeFixture.IsAlive(pid)), TimeSpan.FromSeconds(15), "ffmpeg to stop after the last viewer");
        await origin.WaitForOpenConnectionsAsync(0, TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task SourceFailover_KeepsTheViewer_WithASmallGap()
    {
        await using var origin = await TranscodeFixture.StartOriginAsync();
        await using var proxy = await ProxyHost.StartAsync(_settings);
        var created = await TranscodeFixture.TranscodeAsync(proxy, new
        {
            url = origin.Url(TranscodeFixture.Live),
            failover_urls = new[] { origin.Url(TranscodeFixture.Backup) },
            profile = "lowlatency",
        });

        using var client = new MediaClient();
        using var response = await client.OpenAsync(new Uri(proxy.BaseAddress, $"stream/{created["stream_id"]}").ToString(), cancellationToken: TestContext.Current.CancellationToken);
        var sessions = proxy.Services.GetRequiredService<TranscodeSessions>();
        var (data, reads) = await Watching.WatchAsync(
            response,
            TimeSpan.FromSeconds(10),
            during: async () =>
            {
                var (status, _, _) = await proxy.SendAsync(HttpMethod.Post, $"streams/{created["stream_id"]}/failover");
                Assert.Equal(200, status);
            },
            after: TimeSpan.FromSeconds(3));

        var restarts = sessions.TryGet((string)created["stream_id"]!, out var session) ? session.Restarts : -1;
        Assert.True(origin.RequestCount(TranscodeFixture.Backup) >= 1, "the failover never reached the backup");
        var afterSwitch = reads.Where(r => r.At > 4000).Sum(r => r.Length);
        Assert.True(afterSwitch > 10_000, $"only {afterSwitch} bytes after the switch");
        Assert.True(TranscodeFixture.LargestGapMs(reads) <= 3000, $"largest gap {TranscodeFixture.LargestGapMs(reads)} ms");
        var decode = await TranscodeFixture.DecodeAsync(data);
        Assert.Equal(0, decode.ExitCode);
        Assert.True(restarts == 0, $"a source failover should not restart ffmpeg (restarts: {restarts})");
    }

    [Fact]
    public async Task FfmpegKilled_IsRestarted_AndTheViewerStays()
    {
        await using var origin = await TranscodeFixture.StartOriginAsync();
        await using var proxy = await ProxyHost.StartAsync(_settings);
        var created = await TranscodeFixture.TranscodeAsync(proxy, new { url = origin.Url(TranscodeFixture.Live), profile = "lowlatency" });
        var id = (string)created["stream_id"]!;
        var sessions = proxy.Services.GetRequiredService<TranscodeSessions>();

        using var client = new MediaClient();
        using var response = await client.OpenAsync(new Uri(proxy.BaseAddress, $"stream/{id}").ToString(), cancellationToken: TestContext.Current.CancellationToken);
        var firstPid = 0;
        var (data, reads) = await Watching.WatchAsync(
            response,
            TimeSpan.FromSeconds(9),
            during: () =>
            {
                Assert.True(sessions.TryGet(id, out var session));
                firstPid = session.Process!.Id;
                System.Diagnostics.Process.GetProcessById(firstPid).Kill();
                return Task.CompletedTask;
            },
            after: TimeSpan.FromSeconds(3));

        Assert.True(sessions.TryGet(id, out var after));
        Assert.NotEqual(firstPid, after.Process!.Id);
        Assert.Equal(1, after.Restarts);
        Assert.True(TranscodeFixture.LargestGapMs(reads) <= 5000, $"largest gap {TranscodeFixture.LargestGapMs(reads)} ms");
        Assert.True(reads.Where(r => r.At > 5000).Sum(r => r.Length) > 10_000, "no output after the restart");
        Assert.Equal(0, (await TranscodeFixture.DecodeAsync(data)).ExitCode);
    }

    [Fact]
    public async Task HlsOutput_IsServedByOpaqueNames_AndDecodes()
    {
        await using var origin = await TranscodeFixture.StartOriginAsync();
        await using var proxy = await ProxyHost.StartAsync(_settings);
        var created = await TranscodeFixture.TranscodeAsync(proxy, new { url = origin.Url(TranscodeFixture.Live), profile = "lowlatency", output_format = "hls" });
        var playlistUrl = new Uri(proxy.BaseAddress, ((string)created["playlist_url"]!).TrimStart('/')).ToString();

        using var client = new MediaClient();
        var playlist = System.Text.Encoding.UTF8.GetString(await client.ReadAllAsync(playlistUrl, timeout: TimeSpan.FromSeconds(20)));
        Assert.StartsWith("#EXTM3U", playlist, StringComparison.Ordinal);
        var segments = playlist.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        Assert.NotEmpty(segments);
        Assert.All(segments, s => Assert.Matches(@"^seg_\d{6}\.ts$", s));
        Assert.DoesNotContain("file:", playlist, StringComparison.Ordinal);
        Assert.DoesNotContain(Path.GetTempPath(), playlist, StringComparison.Ordinal);

        var segment = await client.ReadAllAsync(new Uri(new Uri(playlistUrl), segments[0]).ToString());
        Assert.Contains("codec_name=h264", await TranscodeFixture.ProbeAsync(segment), StringComparison.Ordinal);

        var (status, _, _) = await proxy.GetAsync($"hls/{created["stream_id"]}/..%2F..%2Fetc%2Fpasswd");
        Assert.Equal(404, status);

        var redirect = await client.OpenAsync(new Uri(proxy.BaseAddress, $"stream/{created["stream_id"]}").ToString(), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("application/vnd.apple.mpegurl", redirect.Content.Headers.ContentType?.MediaType); // /stream/{id} leads players to the playlist
    }
}
