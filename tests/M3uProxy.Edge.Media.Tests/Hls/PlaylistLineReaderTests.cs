using System.Text;
using M3uProxy.Edge.Media.Hls;

namespace M3uProxy.Edge.Media.Tests.Hls;

public sealed class PlaylistLineReaderTests
{
    private static List<(string Text, string Terminator, PlaylistLineKind Kind)> ReadAll(byte[] playlist)
    {
        var lines = new List<(string, string, PlaylistLineKind)>();
        var reader = new PlaylistLineReader(playlist);
        while (reader.TryRead(out var line))
        {
            lines.Add((Encoding.UTF8.GetString(line.Text), Encoding.UTF8.GetString(line.Terminator), line.Kind));
        }

        return lines;
    }

    [Fact]
    public void Reads_Lf_Crlf_AndLoneCr_KeepingEachTerminator()
    {
        var lines = ReadAll("#EXTM3U\r\n#EXTINF:6,\nseg1.ts\rseg2.ts"u8.ToArray());

        Assert.Equal(
            [("#EXTM3U", "\r\n", PlaylistLineKind.Tag), ("#EXTINF:6,", "\n", PlaylistLineKind.Tag), ("seg1.ts", "\r", PlaylistLineKind.Uri), ("seg2.ts", "", PlaylistLineKind.Uri)],
            lines);
    }

    [Fact]
    public void SkipsByteOrderMark()
    {
        var lines = ReadAll([0xEF, 0xBB, 0xBF, .. "#EXTM3U\n"u8]);

        Assert.Equal(("#EXTM3U", "\n", PlaylistLineKind.Tag), Assert.Single(lines));
    }

    [Fact]
    public void ClassifiesBlankCommentTagAndUri()
    {
        var lines = ReadAll("\n  \t\n# just a comment\n#EXT-X-VENDOR:1\n  chunklist.m3u8?token=a\n"u8.ToArray());

        Assert.Equal(
            [PlaylistLineKind.Blank, PlaylistLineKind.Blank, PlaylistLineKind.Comment, PlaylistLineKind.Tag, PlaylistLineKind.Uri],
            lines.Select(l => l.Kind));
        Assert.Equal("  chunklist.m3u8?token=a", lines[4].Text);
    }

    [Fact]
    public void ConcatenatedLines_RebuildInputByteForByte()
    {
        var input = "#EXTM3U\r\n#EXT-X-KEY:METHOD=AES-128,URI=\"k.bin\"\n\nseg.ts\r\n#KODIPROP:x=y"u8.ToArray();
        var rebuilt = string.Concat(ReadAll(input).Select(l => l.Text + l.Terminator));

        Assert.Equal(Encoding.UTF8.GetString(input), rebuilt);
    }

    [Fact]
    public void EmptyInput_HasNoLines() => Assert.Empty(ReadAll([]));
}
