using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Tests.Infrastructure;
using M3uProxy.Edge.Tests.Playback;

namespace M3uProxy.Edge.Tests.Api;

/// <summary>
/// <c>media_info</c> of a pass-through live stream, read from the bytes the channel already carries
/// (no ffprobe process, no second upstream connection), compared with ffprobe's view of the source.
/// </summary>
[Collection(StreamingTests.Name)]
public sealed class MediaInfoTests
{
    [Fact]
    public async Task WatchedH264AacStream_ShowsWhatFfprobeSees_InStreamsAndMetrics()
    {
        var file = await TestMedia.GetLongGopTsFileAsync();
        var source = await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken);
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddLive("/live/a.ts", source, source.Length / 12);
        await using var proxy = await ProxyHost.StartAsync();
        var created = await proxy.CreateStreamAsync(new { url = origin.Url("/live/a.ts") });
        var streamId = (string)created["stream_id"]!;
        Assert.Equal("{}", (await MediaInfoAsync(proxy, streamId)).ToJsonString()); // nobody watches yet
        using var viewer = new MediaClient();
        using var response = await viewer.OpenAsync(new Uri(proxy.BaseAddress, $"stream/{streamId}").ToString(), cancellationToken: TestContext.Current.CancellationToken);
        // Long enough to outlast every check below even on a loaded machine: a cancelled read hangs the viewer up.
        var watching = MediaClient.ReadAtLeastAsync(response, 20 * source.Length, TimeSpan.FromSeconds(20));

        var info = await WaitForMediaInfoAsync(proxy, streamId, "h264");
        var video = await ProbeAsync(file, "v");
        var audio = await ProbeAsync(file, "a");

        Assert.Equal("mpegts", (string?)info["container"]);
        Assert.Equal(video.GetProperty("codec_name").GetString(), (string?)info["video_codec"]);
        Assert.Equal(video.GetProperty("profile").GetString(), (string?)info["video_profile"]);
        Assert.Equal($"{video.GetProperty("width").GetInt32()}x{video.GetProperty("height").GetInt32()}", (string?)info["resolution"]);
        Assert.Equal(25.0, (double?)info["fps"]);
        Assert.Equal(video.GetProperty("r_frame_rate").GetString(), $"{(int)(double)info["fps"]!}/1");
        Assert.Equal(audio.GetProperty("codec_name").GetString(), (string?)info["audio_codec"]);
        Assert.Equal(audio.GetProperty("channels").GetInt32(), (int?)info["audio_channels"]);
        Assert.Equal(int.Parse(audio.GetProperty("sample_rate").GetString()!, CultureInfo.InvariantCulture), (int?)info["sample_rate"]);
        Assert.InRange((int?)info["bitrate_kbps"] ?? 0, 1000, 2500);
        var (_, list, _) = await proxy.GetAsync("streams");
        Assert.Equal("h264", (string?)list!["streams"]![0]!["media_info"]!["video_codec"]);
        var metrics = await proxy.Client.GetStringAsync(new Uri(proxy.BaseAddress, "metrics"), TestContext.Current.CancellationToken);
        Assert.Contains($"stream_id=\"{streamId}\"", metrics, StringComparison.Ordinal);
        Assert.Matches(@"m3u_proxy_stream_media_bitrate_kbps\{[^}]*video_codec=""h264""[^}]*\} \d+", metrics);
        Assert.Matches(@"m3u_proxy_stream_media_bitrate_kbps\{[^}]*resolution=""640x360""", metrics);
        Assert.NotEmpty(await watching);
        Assert.Equal(1, origin.RequestCount("/live/a.ts")); // read from the viewer's upstream, not a second connection
    }

    [Fact]
    public async Task AfterAFailover_MediaInfoDescribesTheNewSource()
    {
        var h264 = await File.ReadAllBytesAsync(await TestMedia.GetLongGopTsFileAsync(), TestContext.Current.CancellationToken);
        var hevcFile = await TestMedia.GetHevcAc3TsFileAsync();
        var hevc = await File.ReadAllBytesAsync(hevcFile, TestContext.Current.CancellationToken);
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddLive("/live/primary.ts", h264, h264.Length / 12);
        origin.AddLive("/live/backup.ts", hevc, hevc.Length / 8);
        await using var proxy = await ProxyHost.StartAsync();
        var created = await proxy.CreateStreamAsync(new { url = origin.Url("/live/primary.ts"), failover_urls = new[] { origin.Url("/live/backup.ts") } });
        var streamId = (string)created["stream_id"]!;
        using var viewer = new MediaClient();
        using var response = await viewer.OpenAsync(new Uri(proxy.BaseAddress, $"stream/{streamId}").ToString(), cancellationToken: TestContext.Current.CancellationToken);
        var watching = MediaClient.ReadAtLeastAsync(response, 20 * h264.Length, TimeSpan.FromSeconds(20));
        await WaitForMediaInfoAsync(proxy, streamId, "h264");

        var (status, _, _) = await proxy.SendAsync(HttpMethod.Post, $"streams/{streamId}/failover");
        Assert.Equal(200, status);

        var info = await WaitForMediaInfoAsync(proxy, streamId, "hevc");
        var video = await ProbeAsync(hevcFile, "v");
        Assert.Equal($"{video.GetProperty("width").GetInt32()}x{video.GetProperty("height").GetInt32()}", (string?)info["resolution"]);
        await WaitForAsync(async () => (string?)(await MediaInfoAsync(proxy, streamId))["audio_codec"] == "ac3");
        Assert.Equal(6, (int?)(await MediaInfoAsync(proxy, streamId))["audio_channels"]);
        Assert.NotEmpty(await watching);
    }

    private static async Task<JsonNode> MediaInfoAsync(ProxyHost proxy, string streamId)
    {
        var (status, body, _) = await proxy.GetAsync($"streams/{streamId}");
        Assert.Equal(200, status);
        return body!["stream"]!["media_info"]!;
    }

    private static async Task<JsonNode> WaitForMediaInfoAsync(ProxyHost proxy, string streamId, string videoCodec)
    {
        JsonNode info = new JsonObject();
        await WaitForAsync(async () =>
        {
            info = await MediaInfoAsync(proxy, streamId);
            return (string?)info["video_codec"] == videoCodec && info["resolution"] is not null && info["fps"] is not null
                && info["bitrate_kbps"] is not null && info["sample_rate"] is not null;
        });
        return info;
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "media_info did not show up within 15 s");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    private static async Task<JsonElement> ProbeAsync(string file, string type)
    {
        var result = await ToolProcess.RunAsync(
            Ffprobe.Path,
            ["-v", "error", "-select_streams", $"{type}:0", "-show_streams", "-of", "json", file],
            TimeSpan.FromSeconds(60),
            TestContext.Current.CancellationToken);
        Assert.True(result.ExitCode == 0, result.StandardError);
        using var document = JsonDocument.Parse(result.StandardOutput);
        return document.RootElement.GetProperty("streams")[0].Clone();
    }
}
