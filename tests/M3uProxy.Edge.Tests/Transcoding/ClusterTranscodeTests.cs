using System.Net;
using M3uProxy.Edge.Tests.Coordination;
using M3uProxy.Edge.Tests.Infrastructure;
using M3uProxy.Edge.Transcoding;

namespace M3uProxy.Edge.Tests.Transcoding;

/// <summary>A transcode in a cluster: created on one instance, watched on two, one ffmpeg and one upstream for the whole cluster (MPEG-TS or HLS output).</summary>
[Collection(TranscodingTests.Name)]
public sealed class ClusterTranscodeTests
{
    [Fact]
    public async Task CreatedOnOne_WatchedOnTwo_OneFfmpegAndOneUpstreamInTheCluster()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var origin = await TranscodeFixture.StartOriginAsync();
        await using var a = await ProxyHost.StartAsync(redis.Settings("edge-a"));
        await using var b = await ProxyHost.StartAsync(redis.Settings("edge-b"));
        var id = (string)(await TranscodeFixture.TranscodeAsync(a, new { url = origin.Url(TranscodeFixture.Live), profile = "lowlatency" }))["stream_id"]!;

        await using var onB = await ContinuousViewer.OpenAsync(new Uri(b.BaseAddress, $"stream/{id}").ToString(), "b1"); // B runs the transcode
        await onB.WaitForMoreAsync(188 * 200, TimeSpan.FromSeconds(30));
        await using var onA = await ContinuousViewer.OpenAsync(new Uri(a.BaseAddress, $"stream/{id}").ToString(), "a1"); // A relays B's output
        await onA.WaitForMoreAsync(188 * 200, TimeSpan.FromSeconds(30));

        Assert.Equal(1, b.Services.GetRequiredService<TranscodeSessions>().RunningProcesses);
        Assert.Equal(0, a.Services.GetRequiredService<TranscodeSessions>().RunningProcesses);
        Assert.Equal(1, origin.RequestCount(TranscodeFixture.Live));
    }

    [Fact]
    public async Task HlsOutput_CreatedOnOne_PlaysOnAnotherFromTheOwnersTranscoder_ThenMovesWhenTheOwnerIsKilled()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var origin = await TranscodeFixture.StartOriginAsync();
        // The owner is a process of its own: killed, it leaves B's transcoder folders alone.
        await using var owner = ChildProxy.Start(new Dictionary<string, string>(redis.Settings("edge-k").ToDictionary(p => p.Key, p => p.Value!)) { ["CLUSTER_SECRET"] = ClusterHlsTests.Secret });
        await owner.WaitUntilUpAsync();
        await using var b = await ProxyHost.StartAsync(new Dictionary<string, string?>(redis.Settings("edge-b")) { ["CLUSTER_SECRET"] = ClusterHlsTests.Secret });
        var body = $$"""{"url": "{{origin.Url(TranscodeFixture.Live)}}", "output_format": "hls"}""";
        using var create = await owner.Client.PostAsync("transcode", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        var created = System.Text.Json.Nodes.JsonNode.Parse(await create.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        Assert.True(create.IsSuccessStatusCode, created.ToJsonString());
        var id = (string)created["stream_id"]!;
        var playlistPath = ((string)created["playlist_url"]!).TrimStart('/');

        await PlaylistWithSegmentAsync(owner.Client, playlistPath); // the owner's viewer: it runs the transcoder
        var onB = await PlaylistWithSegmentAsync(b.Client, playlistPath);
        var name = onB.Split('\n').First(l => l.Length > 0 && !l.StartsWith('#'));
        var segment = await b.Client.GetByteArrayAsync(new Uri(new Uri(b.BaseAddress, playlistPath), name), TestContext.Current.CancellationToken);

        Assert.True(segment.Length > 188 && segment[0] == 0x47, "B passes on the owner's MPEG-TS segment");
        Assert.Equal(0, b.Services.GetRequiredService<TranscodeSessions>().RunningProcesses);
        Assert.Equal(1, origin.RequestCount(TranscodeFixture.Live)); // one transcoder reads the source

        // The owner's route serves its transcoder's files by their names, and nothing else.
        using (var real = ClusterHlsTests.Member($"cluster/hls/{id}/{name}"))
        using (var answer = await owner.Client.SendAsync(real, TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }

        foreach (var file in new[] { "..%2F..%2F..%2Fetc%2Fpasswd", "..%2Findex.m3u8", "%2Fetc%2Fpasswd", "index.m3u8.tmp", ".." + name })
        {
            using var traversal = ClusterHlsTests.Member($"cluster/hls/{id}/{file}");
            using var answer = await owner.Client.SendAsync(traversal, TestContext.Current.CancellationToken);
            Assert.InRange((int)answer.StatusCode, 400, 499);
        }

        // The owner is killed: B's viewer, still playing, gets B's own transcoder (and the source is
        // read again), whose segments continue the owner's numbers after a discontinuity.
        var lastRelayed = SegmentNumbers(await PlaylistWithSegmentAsync(b.Client, playlistPath)).Max();
        await owner.KillAsync();
        await TranscodeFixture.WaitUntilAsync(
            async () => b.Services.GetRequiredService<TranscodeSessions>().RunningProcesses == 1
                && (await b.Client.GetAsync(playlistPath, TestContext.Current.CancellationToken)).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(30),
            "B runs the transcoder once the owner is gone");
        var taken = await PlaylistWithSegmentAsync(b.Client, playlistPath);
        Assert.True(SegmentNumbers(taken).Min() > lastRelayed, $"B's segments start after the owner's last ({lastRelayed}): {taken}");
        Assert.Contains("#EXT-X-DISCONTINUITY", taken, StringComparison.Ordinal);
        Assert.Equal(2, origin.RequestCount(TranscodeFixture.Live));
    }

    private static List<long> SegmentNumbers(string playlist)
        => [.. playlist.Split('\n').Where(l => l.StartsWith("seg_", StringComparison.Ordinal)).Select(l => long.Parse(l["seg_".Length..l.IndexOf('.', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture))];

    // Polls the HLS output's playlist as a player does until it lists a segment; a generous bound for "it appears at all".
    private static async Task<string> PlaylistWithSegmentAsync(HttpClient client, string playlistPath)
    {
        var playlist = "";
        await TranscodeFixture.WaitUntilAsync(
            async () =>
            {
                using var response = await client.GetAsync(playlistPath, TestContext.Current.CancellationToken);
                playlist = response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken) : "";
                return playlist.Contains("#EXTINF:", StringComparison.Ordinal);
            },
            TimeSpan.FromSeconds(30),
            "a playlist with a segment");
        return playlist;
    }
}
