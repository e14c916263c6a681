using System.Globalization;
using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Tests.Infrastructure;
using M3uProxy.Edge.Tests.Playback;

namespace M3uProxy.Edge.Tests.FanOut;

/// <summary>
/// Instant start: a viewer joining a warm channel with a 4 s GOP gets the PAT, the PMT and then the
/// latest keyframe, so a real decoder's first frame comes from its first bytes (ffprobe on the capture).
/// </summary>
[Collection(StreamingTests.Name)]
public sealed class KeyframeJoinTests
{
    private const string ChannelPath = "/live/gop4.ts";

    [Fact]
    public async Task Joiner_StartsWithPatPmtAndAKeyframe_AndItsFirstFrameDecodesFromTheFirstBytes()
        => await AssertJoinerStartsAtAKeyframeAsync(settings: null);

    [Fact]
    public async Task Joiner_StartsAtTheKeyframe_EvenWhenItIsFurtherBackThanTheJoinBurst()
        // 2.5 s into a 4 s GOP at ≈ 200 kB/s the keyframe is ≈ 500 kB back: the buffer keeps it, not just the 64 KiB burst.
        => await AssertJoinerStartsAtAKeyframeAsync(new Dictionary<string, string?> { ["LIVE_JOIN_BURST_BYTES"] = "65536" });

    private static async Task AssertJoinerStartsAtAKeyframeAsync(Dictionary<string, string?>? settings)
    {
        var source = await File.ReadAllBytesAsync(await TestMedia.GetLongGopTsFileAsync(), TestContext.Current.CancellationToken);
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddLive(ChannelPath, source, bytesPerSecond: source.Length / 12);
        await using var proxy = await ProxyHost.StartAsync(settings);
        var url = await proxy.StreamUrlAsync(origin.Url(ChannelPath));
        using var first = new MediaClient("first");
        using var joiner = new MediaClient("joiner");

        using var firstResponse = await first.OpenAsync(url, cancellationToken: TestContext.Current.CancellationToken);
        var watching = MediaClient.ReadAtLeastAsync(firstResponse, source.Length, TimeSpan.FromSeconds(5));
        await Task.Delay(TimeSpan.FromSeconds(2.5), TestContext.Current.CancellationToken); // mid-GOP
        using var joinerResponse = await joiner.OpenAsync(url, cancellationToken: TestContext.Current.CancellationToken);
        var capture = await MediaClient.ReadAtLeastAsync(joinerResponse, 300_000, TimeSpan.FromSeconds(10));

        Assert.True(capture.Length >= 300_000, $"only {capture.Length} bytes");
        Assert.Equal(TsPacketFactory.PatPid, TsPacketFactory.PidOf(capture));
        var pmtPid = TsPacketFactory.PidOf(capture.AsSpan(188));
        Assert.NotEqual(TsPacketFactory.PatPid, pmtPid);
        var keyframePacket = capture.AsSpan(2 * 188, 188).ToArray();
        Assert.Equal(0x40, keyframePacket[1] & 0x40); // a PES starts here
        var firstFrame = await FirstVideoFrameAsync(capture);

        // The first decoded frame is a keyframe, and it is the PES of the third packet: nothing before it was thrown away.
        Assert.Equal("1", firstFrame["key_frame"]);
        Assert.Equal("I", firstFrame["pict_type"]);
        Assert.Equal((2 * 188).ToString(CultureInfo.InvariantCulture), firstFrame["pkt_pos"]);
        Assert.NotEqual(pmtPid, TsPacketFactory.PidOf(keyframePacket));

        Assert.NotEmpty(await watching); // the first viewer kept watching meanwhile
        Assert.Equal(1, origin.RequestCount(ChannelPath));
    }

    [Fact]
    public async Task WithKeyframeJoinsOff_TheJoinerStartsABurstBackAtAPat()
    {
        var source = await File.ReadAllBytesAsync(await TestMedia.GetLongGopTsFileAsync(), TestContext.Current.CancellationToken);
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddLive(ChannelPath, source, bytesPerSecond: source.Length / 12);
        await using var proxy = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["LIVE_JOIN_AT_KEYFRAME"] = "false", ["LIVE_JOIN_BURST_BYTES"] = "100000" });
        var url = await proxy.StreamUrlAsync(origin.Url(ChannelPath));
        using var first = new MediaClient("first");
        using var joiner = new MediaClient("joiner");

        using var firstResponse = await first.OpenAsync(url, cancellationToken: TestContext.Current.CancellationToken);
        var watching = MediaClient.ReadAtLeastAsync(firstResponse, source.Length, TimeSpan.FromSeconds(5));
        await Task.Delay(TimeSpan.FromSeconds(2.5), TestContext.Current.CancellationToken);
        using var joinerResponse = await joiner.OpenAsync(url, cancellationToken: TestContext.Current.CancellationToken);
        var capture = await MediaClient.ReadAtLeastAsync(joinerResponse, 800_000, TimeSpan.FromSeconds(10));

        // What a plain pass-through gives: the decoder throws away everything before the next keyframe.
        var firstFrame = await FirstVideoFrameAsync(capture);
        Assert.Equal("1", firstFrame["key_frame"]);
        Assert.True(long.Parse(firstFrame["pkt_pos"], CultureInfo.InvariantCulture) > 100_000, $"first frame at byte {firstFrame["pkt_pos"]}");
        Assert.NotEmpty(await watching); // the first viewer kept watching meanwhile
    }

    /// <summary>ffprobe's first decoded video frame of a capture: key_frame, pict_type, pkt_pos (its byte offset).</summary>
    private static async Task<Dictionary<string, string>> FirstVideoFrameAsync(byte[] capture)
    {
        var file = Path.Combine(Path.GetTempPath(), $"join-{Guid.NewGuid():N}.ts");
        try
        {
            await File.WriteAllBytesAsync(file, capture, TestContext.Current.CancellationToken);
            var result = await ToolProcess.RunAsync(
                Ffprobe.Path,
                ["-v", "quiet", "-select_streams", "v:0", "-show_entries", "frame=key_frame,pict_type,pkt_pos", "-read_intervals", "%+#600", "-of", "compact=p=0", file],
                TimeSpan.FromSeconds(60),
                TestContext.Current.CancellationToken);
            var first = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            Assert.True(first is not null, $"ffprobe decoded no frame: {result.StandardError}");
            return first.Split('|').Select(pair => pair.Split('=', 2)).ToDictionary(pair => pair[0], pair => pair.Length > 1 ? pair[1] : "");
        }
        finally
        {
            File.Delete(file);
        }
    }
}
