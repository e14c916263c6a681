using M3uProxy.Edge.Broadcast;

namespace M3uProxy.Edge.Tests.Broadcast;

public sealed class BroadcastPlaylistTests
{
    private static readonly DateTimeOffset _start = new(2026, 12, 6, 20, 0, 0, TimeSpan.Zero);

    private static PlaylistSegment Segment(long number, bool discontinuity = false, double duration = 2.0)
        => new(number, duration, _start.AddSeconds(number * 2), discontinuity, 1000);

    [Fact]
    public void Window_SlidesAndMediaSequenceIsTheFirstListedNumber()
    {
        var playlist = new BroadcastPlaylist(windowSize: 3, targetDuration: 2);
        var removed = new List<long>();
        for (var n = 0; n < 5; n++)
        {
            removed.AddRange(playlist.Add(Segment(n)).Select(s => s.Number));
        }

        Assert.Equal([0, 1], removed);
        var text = playlist.Render();
        Assert.Contains("#EXT-X-MEDIA-SEQUENCE:2\n", text, StringComparison.Ordinal);
        Assert.Equal(["live000002.ts", "live000003.ts", "live000004.ts"], SegmentLines(text));
        Assert.DoesNotContain("#EXT-X-ENDLIST", text, StringComparison.Ordinal);
        Assert.Contains("#EXT-X-TARGETDURATION:2\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void NextProgramme_ContinuesNumbering_WithOneDiscontinuity_CountedWhenItLeaves()
    {
        var playlist = new BroadcastPlaylist(windowSize: 3, targetDuration: 2);
        playlist.Add(Segment(7));
        playlist.Add(Segment(8));
        playlist.Add(Segment(9, discontinuity: true));
        var text = playlist.Render();
        Assert.Equal(1, Count(text, "#EXT-X-DISCONTINUITY\n"));
        Assert.True(text.IndexOf("#EXT-X-DISCONTINUITY\n", StringComparison.Ordinal) > text.IndexOf("live000008.ts", StringComparison.Ordinal));
        Assert.DoesNotContain("DISCONTINUITY-SEQUENCE", text, StringComparison.Ordinal);

        playlist.Add(Segment(10));
        playlist.Add(Segment(11));
        playlist.Add(Segment(12));
        text = playlist.Render();
        Assert.Contains("#EXT-X-DISCONTINUITY-SEQUENCE:1\n", text, StringComparison.Ordinal);
        Assert.Contains("#EXT-X-MEDIA-SEQUENCE:10\n", text, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => playlist.Add(Segment(12)));
    }

    [Fact]
    public void Dvr_KeepsEverySegment_AsAnEventPlaylist()
    {
        var playlist = new BroadcastPlaylist(windowSize: 0, targetDuration: 2);
        for (var n = 0; n < 50; n++)
        {
            Assert.Empty(playlist.Add(Segment(n)));
        }

        var text = playlist.Render();
        Assert.Equal(50, SegmentLines(text).Count);
        Assert.Contains("#EXT-X-PLAYLIST-TYPE:EVENT\n", text, StringComparison.Ordinal);
        Assert.Contains("#EXT-X-MEDIA-SEQUENCE:0\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void TargetDuration_CoversTheLongestSegment_AndNeverShrinks()
    {
        var playlist = new BroadcastPlaylist(windowSize: 2, targetDuration: 2);
        playlist.Add(Segment(0, duration: 4.6));
        playlist.Add(Segment(1));
        playlist.Add(Segment(2));
        Assert.Contains("#EXT-X-TARGETDURATION:5\n", playlist.Render(), StringComparison.Ordinal);
    }

    [Fact]
    public void SegmenterPlaylist_YieldsNumberedSegmentsWithDurations()
    {
        const string Text = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:12\n#EXT-X-DISCONTINUITY\n#EXTINF:2.000000,\nlive000012.ts\n#EXTINF:1.960000,\r\nlive000013.ts\r\n#EXTINF:2.0,\nother.ts\nlive000014.ts\n";
        Assert.Equal([(12L, 2.0), (13L, 1.96)], SegmenterPlaylist.Parse(Text));
    }

    private static List<string> SegmentLines(string text) => [.. text.Split('\n').Where(l => l.Length > 0 && l[0] != '#')];

    private static int Count(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
