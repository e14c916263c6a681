using M3uProxy.Edge.Media.Hls;

namespace M3uProxy.Edge.Media.Tests.Hls;

public sealed class PlaylistSnifferTests
{
    [Theory]
    [InlineData("#EXTM3U\n#EXT-X-VERSION:3\n", true)]
    [InlineData("\r\n  #EXTM3U", true)]
    [InlineData("<html><body>Forbidden</body></html>", false)]
    [InlineData("#EXTINF:6,\nseg.ts", false)]
    [InlineData("", false)]
    public void RecognisesPlaylistHeader(string body, bool expected)
        => Assert.Equal(expected, PlaylistSniffer.IsPlaylist(System.Text.Encoding.UTF8.GetBytes(body)));

    [Fact]
    public void AcceptsByteOrderMark() => Assert.True(PlaylistSniffer.IsPlaylist([0xEF, 0xBB, 0xBF, .. "#EXTM3U"u8]));

    [Fact]
    public void RejectsTransportStream()
    {
        var ts = new byte[188 * 3];
        ts[0] = ts[188] = ts[376] = 0x47;
        Assert.False(PlaylistSniffer.IsPlaylist(ts));
    }
}
