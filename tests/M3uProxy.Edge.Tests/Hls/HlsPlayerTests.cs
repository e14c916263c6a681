using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Tests.Infrastructure;
using M3uProxy.Edge.Tests.Playback;

namespace M3uProxy.Edge.Tests.Hls;

/// <summary>Real players (ffprobe, ffmpeg) reading HLS through the proxy from the fake origin.</summary>
[Collection(StreamingTests.Name)]
public sealed class HlsPlayerTests
{
    private const string MasterText = "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000,CODECS=\"avc1.64000d,mp4a.40.2\"\nvod/index.m3u8\n";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static Task<ToolResult> CopyWholeAsync(string url)
        => ToolProcess.RunAsync(TestMedia.FfmpegPath, ["-hide_banner", "-nostdin", "-v", "error", "-i", url, "-c", "copy", "-f", "null", "-"], TimeSpan.FromSeconds(90), Cancel);

    private static async Task<string> PlaylistUrlAsync(ProxyHost proxy, string upstream, object? extra = null)
    {
        var created = extra is null ? await proxy.CreateStreamAsync(new { url = upstream }) : await proxy.CreateStreamAsync(extra);
        return new Uri(proxy.BaseAddress, $"m3u-proxy/hls/{created["stream_id"]}/playlist.m3u8").ToString();
    }

    [Fact]
    public async Task Ffprobe_sees_video_and_audio_through_a_proxied_master()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: Cancel);
        origin.AddHls("/ch/vod", await TestMedia.GetHlsFolderAsync());
        origin.AddText("/ch/master.m3u8", MasterText, "application/vnd.apple.mpegurl");
        await using var proxy = await ProxyHost.StartAsync();

        var result = await Ffprobe.ShowStreamsAsync(await PlaylistUrlAsync(proxy, origin.Url("/ch/master.m3u8")), Cancel);

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains("codec_type=video", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("codec_type=audio", result.StandardOutput, StringComparison.Ordinal);
        Assert.True(origin.RequestCount("/ch/vod/seg_000.ts") >= 1);
    }

    [Fact]
    public async Task Ffmpeg_copies_a_whole_vod_through_the_proxy_without_error()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: Cancel);
        var folder = await TestMedia.GetHlsFolderAsync();
        origin.AddHls("/vod", folder);
        await using var proxy = await ProxyHost.StartAsync();

        var result = await CopyWholeAsync(await PlaylistUrlAsync(proxy, origin.Url("/vod/index.m3u8")));

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal("", result.StandardError.Trim());
        foreach (var segment in Directory.GetFiles(folder, "*.ts"))
        {
            Assert.Equal(1, origin.RequestCount("/vod/" + Path.GetFileName(segment)));
        }
    }

    [Fact]
    public async Task An_aes_128_stream_decodes_through_the_proxy_with_its_key_proxied_too()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: Cancel);
        origin.AddHls("/enc", await TestMedia.GetEncryptedHlsFolderAsync());
        await using var proxy = await ProxyHost.StartAsync();

        var result = await CopyWholeAsync(await PlaylistUrlAsync(proxy, origin.Url("/enc/index.m3u8")));

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal("", result.StandardError.Trim());
        Assert.True(origin.RequestCount("/enc/key.bin") >= 1);
        Assert.All(origin.Requests("/enc/key.bin"), r => Assert.DoesNotContain("Lavf", r.Headers["User-Agent"], StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_fmp4_stream_with_an_init_section_decodes_through_the_proxy()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: Cancel);
        origin.AddHls("/cmaf", await TestMedia.GetFmp4HlsFolderAsync());
        await using var proxy = await ProxyHost.StartAsync();

        var result = await Decoder.DecodeAsync(await PlaylistUrlAsync(proxy, origin.Url("/cmaf/index.m3u8")), 8);

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal("", result.StandardError.Trim());
        Assert.True(origin.RequestCount("/cmaf/init.mp4") >= 1);
    }

    [Fact]
    public async Task A_byte_range_playlist_decodes_through_the_proxy_one_upstream_request_per_range()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: Cancel);
        var folder = await TestMedia.GetByteRangeHlsFolderAsync();
        origin.AddHls("/br", folder);
        var ranges = File.ReadAllLines(Path.Combine(folder, "index.m3u8")).Count(l => l.StartsWith("#EXT-X-BYTERANGE", StringComparison.Ordinal));
        await using var proxy = await ProxyHost.StartAsync();

        var result = await CopyWholeAsync(await PlaylistUrlAsync(proxy, origin.Url("/br/index.m3u8")));

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal("", result.StandardError.Trim());
        Assert.True(ranges >= 3, $"{ranges} ranges");
        Assert.Equal(ranges, origin.Requests("/br/index.ts").Select(r => r.Headers["Range"]).Distinct().Count());
        Assert.Equal(ranges, origin.RequestCount("/br/index.ts"));
    }

    [Fact]
    public async Task A_master_whose_primary_answers_500_plays_from_the_failover_url()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: Cancel);
        origin.AddHls("/backup/vod", await TestMedia.GetHlsFolderAsync());
        origin.AddText("/backup/master.m3u8", MasterText, "application/vnd.apple.mpegurl");
        origin.AddText("/primary/master.m3u8", MasterText, "application/vnd.apple.mpegurl", new OriginBehavior { StatusCode = 500 });
        await using var proxy = await ProxyHost.StartAsync();
        var url = await PlaylistUrlAsync(proxy, "", new { url = origin.Url("/primary/master.m3u8"), failover_urls = new[] { origin.Url("/backup/master.m3u8") } });

        var result = await Ffprobe.ShowStreamsAsync(url, Cancel);

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains("codec_type=video", result.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(1, origin.RequestCount("/primary/master.m3u8"));
        Assert.True(origin.RequestCount("/backup/vod/seg_000.ts") >= 1);
        Assert.Single(proxy.EventsOf(Edge.Events.EventType.FailoverTriggered));
    }

    [Fact]
    public async Task A_live_playlist_advances_through_the_proxy_while_ffmpeg_plays_it()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: Cancel);
        var folder = await TestMedia.GetHlsFolderAsync();
        origin.AddHls("/src", folder);
        var segments = Directory.GetFiles(folder, "*.ts").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        var sequence = 0;
        void Publish()
        {
            var text = new System.Text.StringBuilder($"#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:{sequence}\n");
            for (var i = sequence; i < sequence + 3; i++)
            {
                text.Append("#EXTINF:2.000000,\n").Append("src/").Append(segments[i % segments.Length]).Append('\n');
            }

            origin.AddText("/live.m3u8", text.ToString(), "application/vnd.apple.mpegurl");
        }

        Publish();
        var publisher = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(2000, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
                Interlocked.Increment(ref sequence);
                Publish();
            }
        }, Cancel);
        await using var proxy = await ProxyHost.StartAsync();
        var url = await PlaylistUrlAsync(proxy, origin.Url("/live.m3u8"));

        var firstSequence = HlsPlaylistText.MediaSequence(await proxy.Client.GetStringAsync(url, Cancel));
        var result = await Decoder.DecodeAsync(url, 16);
        var lastSequence = HlsPlaylistText.MediaSequence(await proxy.Client.GetStringAsync(url, Cancel));
        await stop.CancelAsync();
        await publisher;

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.True(lastSequence >= firstSequence + 5, $"media sequence went from {firstSequence} to {lastSequence}");
        Assert.True(origin.RequestCount("/live.m3u8") >= 5, $"{origin.RequestCount("/live.m3u8")} playlist requests");
    }
}
