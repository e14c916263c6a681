using M3uProxy.Edge.Testing;

namespace M3uProxy.Edge.Tests.Origin;

public sealed class TestMediaTests
{
    private const int MediaTimeout = 180_000;

    [Fact(Timeout = MediaTimeout)]
    public async Task TsFile_IsH264AndAac_ReadableByFfprobe_AndSharedByConcurrentCallers()
    {
        var paths = await Task.WhenAll(TestMedia.GetTsFileAsync(), TestMedia.GetTsFileAsync(), TestMedia.GetTsFileAsync());

        Assert.Single(paths.Distinct());
        await AssertVideoAndAudioAsync(paths[0], TestContext.Current.CancellationToken);
        Assert.True(TsPacketFactory.IsAligned(await File.ReadAllBytesAsync(paths[0], TestContext.Current.CancellationToken)));
    }

    [Fact(Timeout = MediaTimeout)]
    public async Task Mp4File_IsReadableByFfprobe()
    {
        var path = await TestMedia.GetMp4FileAsync();

        await AssertVideoAndAudioAsync(path, TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = MediaTimeout)]
    public async Task HlsFolder_HasAVodPlaylistAndTwoSecondSegments()
    {
        var folder = await TestMedia.GetHlsFolderAsync();

        var playlist = await File.ReadAllTextAsync(Path.Combine(folder, "index.m3u8"), TestContext.Current.CancellationToken);
        Assert.Contains("#EXT-X-PLAYLIST-TYPE:VOD", playlist, StringComparison.Ordinal);
        Assert.Contains("#EXT-X-ENDLIST", playlist, StringComparison.Ordinal);
        Assert.Contains("seg_000.ts", playlist, StringComparison.Ordinal);
        var segments = Directory.GetFiles(folder, "seg_*.ts");
        Assert.InRange(segments.Length, 4, 6);
        Assert.All(segments, segment => Assert.Contains(Path.GetFileName(segment), playlist, StringComparison.Ordinal));
    }

    private static async Task AssertVideoAndAudioAsync(string path, CancellationToken cancellationToken)
    {
        var probe = await Ffprobe.ShowStreamsAsync(path, cancellationToken);

        Assert.True(probe.ExitCode == 0, probe.StandardError);
        Assert.Contains("codec_type=video", probe.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("codec_type=audio", probe.StandardOutput, StringComparison.Ordinal);
    }
}
