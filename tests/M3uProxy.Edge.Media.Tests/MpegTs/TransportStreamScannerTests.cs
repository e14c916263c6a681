using System.Globalization;
using M3uProxy.Edge.Media.MpegTs;
using M3uProxy.Edge.Testing;

namespace M3uProxy.Edge.Media.Tests.MpegTs;

/// <summary>The scanner against ffmpeg-made streams, with ffprobe as the oracle.</summary>
public sealed class TransportStreamScannerTests
{
    private static (List<long> Keyframes, MediaInfo? Info) Scan(byte[] data, int loops = 1)
    {
        var scanner = new TransportStreamScanner();
        var keyframes = new List<long>();
        MediaInfo? info = null;
        for (var loop = 0; loop < loops; loop++)
        {
            for (var offset = 0; offset + TsPacket.Size <= data.Length; offset += TsPacket.Size)
            {
                var events = scanner.ScanPacket(data.AsSpan(offset, TsPacket.Size), ((long)loop * data.Length) + offset);
                if ((events & ScanEvents.Keyframe) != 0)
                {
                    keyframes.Add(scanner.KeyframePosition);
                }

                if ((events & ScanEvents.InfoChanged) != 0)
                {
                    info = scanner.BuildInfo();
                }
            }
        }

        return (keyframes, info);
    }

    [Fact]
    public async Task Keyframes_AreWhereFfprobeSeesThem_EveryFourSeconds()
    {
        var file = await TestMedia.GetLongGopTsFileAsync();
        var expected = await ProbeOracle.KeyframePositionsAsync(file);

        var (keyframes, _) = Scan(await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken));

        Assert.Equal(3, expected.Count); // 12 s, a keyframe every 4 s
        Assert.Equal(expected, keyframes);
    }

    [Fact]
    public async Task HevcKeyframes_AreWhereFfprobeSeesThem()
    {
        var file = await TestMedia.GetHevcAc3TsFileAsync();
        var expected = await ProbeOracle.KeyframePositionsAsync(file);

        var (keyframes, _) = Scan(await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken));

        Assert.NotEmpty(expected);
        Assert.Equal(expected, keyframes);
    }

    [Fact]
    public async Task KeyframePts_IsThePresentationTimeOfTheKeyframe()
    {
        var file = await TestMedia.GetLongGopTsFileAsync();
        var scanner = new TransportStreamScanner();
        var data = await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken);
        var times = new List<long>();
        for (var offset = 0; offset + TsPacket.Size <= data.Length; offset += TsPacket.Size)
        {
            if ((scanner.ScanPacket(data.AsSpan(offset, TsPacket.Size), offset) & ScanEvents.Keyframe) != 0)
            {
                times.Add(scanner.KeyframePts);
            }
        }

        Assert.Equal(3, times.Count);
        Assert.All(times.Zip(times.Skip(1)), pair => Assert.Equal(4 * 90_000, pair.Second - pair.First));
    }

    [Fact]
    public async Task H264Aac_MediaInfo_MatchesFfprobe()
    {
        var file = await TestMedia.GetLongGopTsFileAsync();
        var video = await ProbeOracle.StreamAsync(file, "v");
        var audio = await ProbeOracle.StreamAsync(file, "a");

        var info = Scan(await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken)).Info;

        Assert.NotNull(info);
        Assert.Equal("mpegts", info.Container);
        Assert.Equal(video.GetProperty("codec_name").GetString(), info.Video?.Codec);
        Assert.Equal(video.GetProperty("profile").GetString(), info.Video?.Profile);
        Assert.Equal((video.GetProperty("level").GetInt32() / 10.0).ToString("0.0", CultureInfo.InvariantCulture), info.Video?.Level);
        Assert.Equal($"{video.GetProperty("width").GetInt32()}x{video.GetProperty("height").GetInt32()}", info.Resolution);
        Assert.Equal("640x360", info.Resolution); // 23 macroblock rows, cropped by 8 lines
        Assert.Equal(ProbeOracle.FrameRate(video), info.Fps);
        Assert.Equal(audio.GetProperty("codec_name").GetString(), info.Audio?.Codec);
        Assert.Equal(audio.GetProperty("profile").GetString(), info.Audio?.Profile);
        Assert.Equal(audio.GetProperty("channels").GetInt32(), info.Audio?.Channels);
        Assert.Equal(int.Parse(audio.GetProperty("sample_rate").GetString()!, CultureInfo.InvariantCulture), info.Audio?.SampleRate);
        Assert.InRange(info.BitrateKbps ?? 0, 1000, 2500); // 1.5 Mbit/s video + audio + mux overhead
    }

    [Fact]
    public async Task HevcAc3_MediaInfo_MatchesFfprobe()
    {
        var file = await TestMedia.GetHevcAc3TsFileAsync();
        var video = await ProbeOracle.StreamAsync(file, "v");
        var audio = await ProbeOracle.StreamAsync(file, "a");

        var info = Scan(await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken)).Info;

        Assert.NotNull(info);
        Assert.Equal("hevc", info.Video?.Codec);
        Assert.Equal(video.GetProperty("profile").GetString(), info.Video?.Profile);
        Assert.Equal((video.GetProperty("level").GetInt32() / 30.0).ToString("0.0", CultureInfo.InvariantCulture), info.Video?.Level);
        Assert.Equal($"{video.GetProperty("width").GetInt32()}x{video.GetProperty("height").GetInt32()}", info.Resolution);
        Assert.Equal(ProbeOracle.FrameRate(video), info.Fps); // measured from the timestamps
        Assert.Equal("ac3", audio.GetProperty("codec_name").GetString());
        Assert.Equal("ac3", info.Audio?.Codec);
        Assert.Equal(6, audio.GetProperty("channels").GetInt32());
        Assert.Equal(audio.GetProperty("channels").GetInt32(), info.Audio?.Channels);
        Assert.Equal(int.Parse(audio.GetProperty("sample_rate").GetString()!, CultureInfo.InvariantCulture), info.Audio?.SampleRate);
    }

    [Fact]
    public async Task Mpeg2Mp2_MediaInfo_MatchesFfprobe()
    {
        var file = await TestMedia.GetMpeg2Mp2TsFileAsync();
        var video = await ProbeOracle.StreamAsync(file, "v");
        var audio = await ProbeOracle.StreamAsync(file, "a");

        var info = Scan(await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken)).Info;

        Assert.NotNull(info);
        Assert.Equal(video.GetProperty("codec_name").GetString(), info.Video?.Codec);
        Assert.Equal($"{video.GetProperty("width").GetInt32()}x{video.GetProperty("height").GetInt32()}", info.Resolution);
        Assert.Equal(Math.Round(ProbeOracle.FrameRate(video), 2), info.Fps);
        Assert.Equal(audio.GetProperty("codec_name").GetString(), info.Audio?.Codec);
        Assert.Equal(audio.GetProperty("channels").GetInt32(), info.Audio?.Channels);
        Assert.Equal(int.Parse(audio.GetProperty("sample_rate").GetString()!, CultureInfo.InvariantCulture), info.Audio?.SampleRate);
    }

    [Fact]
    public async Task Reset_ForgetsTheProgram_UntilTheNextPatAndPmt()
    {
        var data = await File.ReadAllBytesAsync(await TestMedia.GetLongGopTsFileAsync(), TestContext.Current.CancellationToken);
        var scanner = new TransportStreamScanner();
        for (var offset = 0; offset + TsPacket.Size <= 400 * TsPacket.Size; offset += TsPacket.Size)
        {
            scanner.ScanPacket(data.AsSpan(offset, TsPacket.Size), offset);
        }

        Assert.True(scanner.KeyframePosition >= 0);
        scanner.Reset();

        Assert.Equal(-1, scanner.KeyframePosition);
        Assert.Null(scanner.BuildInfo());
    }

    [Fact]
    public async Task ScanningAStream_AllocatesNothing_OnceItsInfoIsKnown()
    {
        var data = await File.ReadAllBytesAsync(await TestMedia.GetLongGopTsFileAsync(), TestContext.Current.CancellationToken);
        var scanner = new TransportStreamScanner();
        ScanAll(scanner, data, 0); // learns the program, the headers, the rates

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var loop = 1; loop <= 3; loop++)
        {
            ScanAll(scanner, data, (long)loop * data.Length);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static void ScanAll(TransportStreamScanner scanner, byte[] data, long start)
    {
        for (var offset = 0; offset + TsPacket.Size <= data.Length; offset += TsPacket.Size)
        {
            scanner.ScanPacket(data.AsSpan(offset, TsPacket.Size), start + offset);
        }
    }
}
