using System.Globalization;
using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Tests.Infrastructure;

namespace M3uProxy.Edge.Tests.Transcoding;

/// <summary>HLS in and out of a transcoder: the loopback reader of an HLS source is no viewer and its bytes are not served, and an HLS output's first segment appears on the keyframe grid.</summary>
[Collection(TranscodingTests.Name)]
public sealed class TranscodeHlsTests
{
    [Fact]
    public async Task HlsSource_ItsLoopbackReaderIsNotCountedAsAClient_NorItsBytesAsServed()
    {
        await using var origin = await TranscodeFixture.StartOriginAsync();
        // A live playlist (no end): ffmpeg keeps reading it, so the viewer's response stays open.
        var folder = await TestMedia.GetHlsFolderAsync();
        origin.AddHls("/hlslive/", folder);
        var vod = await File.ReadAllTextAsync(Path.Combine(folder, "index.m3u8"), TestContext.Current.CancellationToken);
        var live = string.Join('\n', vod.Split('\n').Where(l => !l.StartsWith("#EXT-X-ENDLIST", StringComparison.Ordinal) && !l.StartsWith("#EXT-X-PLAYLIST-TYPE", StringComparison.Ordinal)));
        origin.AddText("/hlslive/live.m3u8", live, "application/vnd.apple.mpegurl");
        await using var proxy = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["SHARED_STREAM_GRACE"] = "1" });
        var created = await TranscodeFixture.TranscodeAsync(proxy, new { url = origin.Url("/hlslive/live.m3u8"), profile = "lowlatency", user_agent = "TranscodeTest/1.0" });
        var id = (string)created["stream_id"]!;

        using var client = new MediaClient();
        using var response = await client.OpenAsync(new Uri(proxy.BaseAddress, $"stream/{id}").ToString(), cancellationToken: TestContext.Current.CancellationToken);
        var first = await MediaClient.ReadAtLeastAsync(response, 50_000, TimeSpan.FromSeconds(30));
        Assert.True(first.Length == 50_000, $"only {first.Length} transcoded bytes");
        // ffmpeg read the source through the proxy (its own requests would say Lavf/…), never from the provider.
        var playlistRequests = origin.Requests("/hlslive/live.m3u8");
        Assert.NotEmpty(playlistRequests);
        Assert.All(playlistRequests, r => Assert.Equal("TranscodeTest/1.0", r.Headers.First(h => h.Key.Equals("User-Agent", StringComparison.OrdinalIgnoreCase)).Value));
        Assert.True(Enumerable.Range(0, 5).Sum(i => origin.RequestCount($"/hlslive/seg_{i:000}.ts")) >= 1, "no source segment was fetched");

        // One viewer, whatever the loopback reader fetched (its playlist and its segments).
        var (_, streams, _) = await proxy.GetAsync("streams");
        var listed = Assert.Single(streams!["streams"]!.AsArray(), s => (string?)s!["stream_id"] == id);
        Assert.Equal(1, (int)listed!["client_count"]!);
        var (_, clients, _) = await proxy.GetAsync("clients");
        Assert.Single(clients!["clients"]!.AsArray(), c => (string?)c!["stream_id"] == id);
        var (_, detail, _) = await proxy.GetAsync($"streams/{id}");
        Assert.Equal(1, (int)detail!["stream"]!["client_count"]!);

        // Served means sent to a viewer: the totals are read before the viewer's own counter (which
        // is added to first), so they cannot exceed it unless the source segments were counted too.
        var (_, health, _) = await proxy.GetAsync("health");
        var (_, stats, _) = await proxy.GetAsync("stats");
        var viewer = (long)Assert.Single(stats!["clients"]!.AsArray(), c => (string?)c!["stream_id"] == id)!["bytes_served"]!;
        Assert.InRange((long)health!["total_bytes_served"]!, 50_000, viewer);
        Assert.InRange((long)stats["total_bytes_served"]!, 50_000, viewer);
        var streamStats = Assert.Single(stats["streams"]!.AsArray(), s => (string?)s!["stream_id"] == id);
        Assert.InRange((long)streamStats!["total_bytes_served"]!, 50_000, viewer);
    }

    [Fact]
    public async Task HlsOutput_TheFirstSegmentAppears_AndLastsTheKeyframeGrid()
    {
        await using var origin = await TranscodeFixture.StartOriginAsync();
        await using var proxy = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["SHARED_STREAM_GRACE"] = "1" });
        // The built-in default profile (x264's own GOP would be 250 frames: the reference's first segment takes 10 s).
        var created = await TranscodeFixture.TranscodeAsync(proxy, new { url = origin.Url(TranscodeFixture.Live), output_format = "hls" });
        var playlistUrl = new Uri(proxy.BaseAddress, ((string)created["playlist_url"]!).TrimStart('/')).ToString();

        using var client = new MediaClient();
        string playlist = "";
        // A generous bound for "it appears at all" on a loaded machine; the speed is the benchmark's business.
        await TranscodeFixture.WaitUntilAsync(
            async () =>
            {
                using var response = await client.OpenAsync(playlistUrl, cancellationToken: TestContext.Current.CancellationToken);
                playlist = (int)response.StatusCode == 200 ? await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken) : "";
                return playlist.Contains("#EXTINF:", StringComparison.Ordinal);
            },
            TimeSpan.FromSeconds(30),
            "the first HLS segment");

        var durations = playlist.Split('\n').Where(l => l.StartsWith("#EXTINF:", StringComparison.Ordinal))
            .Select(l => double.Parse(l["#EXTINF:".Length..].TrimEnd(','), CultureInfo.InvariantCulture)).ToList();
        Assert.InRange(durations[0], 1.5, 2.5); // hls_time 2 on a keyframe every 2 s
        var name = playlist.Split('\n').First(l => l.Length > 0 && !l.StartsWith('#'));
        var segment = await client.ReadAllAsync(new Uri(new Uri(playlistUrl), name).ToString());
        var probe = await TranscodeFixture.ProbeAsync(segment);
        Assert.Contains("codec_name=h264", probe, StringComparison.Ordinal);
    }
}
