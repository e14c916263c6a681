using System.Globalization;
using System.Text.RegularExpressions;
using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Tests.Infrastructure;
using M3uProxy.Edge.Tests.Playback;

namespace M3uProxy.Edge.Tests.Packaging;

/// <summary>
/// A live MPEG-TS stream served as HLS without ffmpeg: segments cut from the shared buffer at
/// keyframes, played by a real ffmpeg while a TS viewer watches, with one upstream connection.
/// </summary>
[Collection(StreamingTests.Name)]
public sealed partial class LiveHlsPackagingTests
{
    private const string ChannelPath = "/live/user/pass/42.ts";

    private static async Task<(FakeOrigin Origin, ProxyHost Proxy, string StreamId)> StartAsync()
    {
        var source = await File.ReadAllBytesAsync(await TestMedia.GetTsFileAsync(), TestContext.Current.CancellationToken);
        var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddLive(ChannelPath, source, source.Length / 10); // 10 s of media, a keyframe every second, in real time
        var proxy = await ProxyHost.StartAsync();
        var created = await proxy.CreateStreamAsync(new { url = origin.Url(ChannelPath) });
        var streamId = (string)created["stream_id"]!;
        Assert.Equal($"/stream/{streamId}", (string?)created["stream_endpoint"]); // TS stays the default
        return (origin, proxy, streamId);
    }

    [Fact]
    public async Task Ffmpeg_PlaysThePackagedHls_WhileATsViewerWatches_OnOneUpstream()
    {
        var (origin, proxy, streamId) = await StartAsync();
        await using var _ = origin;
        await using var __ = proxy;
        using var viewer = new MediaClient("ts-viewer");
        using var response = await viewer.OpenAsync(new Uri(proxy.BaseAddress, $"stream/{streamId}").ToString(), cancellationToken: TestContext.Current.CancellationToken);
        var watching = MediaClient.ReadAtLeastAsync(response, 50_000_000, TimeSpan.FromSeconds(12));

        var played = await Decoder.DecodeAsync(new Uri(proxy.BaseAddress, $"hls/{streamId}/playlist.m3u8").ToString(), 6);

        Assert.True(played.ExitCode == 0, played.StandardError);
        Assert.Equal("", played.StandardError.Trim());
        var (_, clients, _) = await proxy.GetAsync("clients");
        var agents = clients!["clients"]!.AsArray().Select(c => (string?)c!["user_agent"]).ToList();
        Assert.Contains("ts-viewer", agents);
        Assert.Contains(agents, agent => agent?.StartsWith("Lavf", StringComparison.Ordinal) == true); // ffmpeg, as an HLS client
        var tsBytes = await watching;
        Assert.True(tsBytes.Length > 100_000, $"the TS viewer got {tsBytes.Length} bytes");
        Assert.Equal(1, origin.RequestCount(ChannelPath));
    }

    [Fact]
    public async Task Segments_StartWithPatPmtAndAKeyframe_AndFitTheTargetDuration()
    {
        var (origin, proxy, streamId) = await StartAsync();
        await using var _ = origin;
        await using var __ = proxy;
        using var client = new MediaClient("hls-player");
        var playlistUrl = new Uri(proxy.BaseAddress, $"hls/{streamId}/playlist.m3u8");

        var playlist = System.Text.Encoding.UTF8.GetString(await client.ReadAllAsync(playlistUrl.ToString()));

        Assert.StartsWith("#EXTM3U\n", playlist, StringComparison.Ordinal);
        var target = int.Parse(TargetDuration().Match(playlist).Groups[1].Value, CultureInfo.InvariantCulture);
        var durations = Durations().Matches(playlist).Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.NotEmpty(durations);
        Assert.All(durations, d => Assert.InRange(d, 1.9, target + 0.5));
        var segmentUri = playlist.Split('\n').First(line => line.StartsWith("live/", StringComparison.Ordinal));
        var segment = await client.ReadAllAsync(new Uri(playlistUrl, segmentUri).ToString());

        Assert.Equal(TsPacketFactory.PatPid, TsPacketFactory.PidOf(segment));
        Assert.NotEqual(TsPacketFactory.PatPid, TsPacketFactory.PidOf(segment.AsSpan(188)));
        Assert.Equal(0x40, segment[(2 * 188) + 1] & 0x40);
        var file = Path.Combine(Path.GetTempPath(), $"packaged-{Guid.NewGuid():N}.ts");
        try
        {
            await File.WriteAllBytesAsync(file, segment, TestContext.Current.CancellationToken);
            var frames = await ToolProcess.RunAsync(
                Ffprobe.Path,
                ["-v", "quiet", "-select_streams", "v:0", "-show_entries", "frame=key_frame,pkt_pos", "-of", "compact=p=0", file],
                TimeSpan.FromSeconds(60),
                TestContext.Current.CancellationToken);
            var first = frames.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0];
            Assert.Contains("key_frame=1", first, StringComparison.Ordinal);
            Assert.Contains("pkt_pos=376", first, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task UnknownSegment_Is404Json()
    {
        var (origin, proxy, streamId) = await StartAsync();
        await using var _ = origin;
        await using var __ = proxy;

        var (status, body, _) = await proxy.GetAsync($"hls/{streamId}/live/999999.ts");

        Assert.Equal(404, status);
        Assert.Equal("Segment not found", (string?)body!["detail"]);
        Assert.Equal(0, origin.RequestCount(ChannelPath)); // asking for a segment does not open the upstream
    }

    [GeneratedRegex(@"#EXT-X-TARGETDURATION:(\d+)")]
    private static partial Regex TargetDuration();

    [GeneratedRegex(@"#EXTINF:([\d.]+),")]
    private static partial Regex Durations();
}
