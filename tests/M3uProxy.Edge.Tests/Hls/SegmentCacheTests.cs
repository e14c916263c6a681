using M3uProxy.Edge.Hls;

namespace M3uProxy.Edge.Tests.Hls;

public sealed class SegmentCacheTests
{
    private static SharedSegment Segment(int size) => new(200, "video/mp2t", null, new byte[size]);

    [Fact]
    public void The_least_recently_used_segments_leave_first_and_the_size_stays_bounded()
    {
        var cache = new SegmentCache(300);
        cache.Add(new SegmentKey("a", null), Segment(100));
        cache.Add(new SegmentKey("b", null), Segment(100));
        cache.Add(new SegmentKey("c", null), Segment(100));
        Assert.True(cache.TryGet(new SegmentKey("a", null), out _)); // a is now the most recent

        cache.Add(new SegmentKey("d", null), Segment(100));

        Assert.False(cache.TryGet(new SegmentKey("b", null), out _));
        Assert.True(cache.TryGet(new SegmentKey("a", null), out _));
        Assert.True(cache.TryGet(new SegmentKey("c", null), out _));
        Assert.True(cache.TryGet(new SegmentKey("d", null), out _));
        Assert.Equal(300, cache.SizeBytes);
    }

    [Fact]
    public void Ranges_are_separate_entries_and_a_segment_larger_than_the_cache_is_not_kept()
    {
        var cache = new SegmentCache(150);
        cache.Add(new SegmentKey("a", "bytes=0-99"), Segment(100));
        Assert.False(cache.TryGet(new SegmentKey("a", "bytes=100-199"), out _));
        Assert.False(cache.TryGet(new SegmentKey("a", null), out _));
        cache.Add(new SegmentKey("b", null), Segment(200));
        Assert.False(cache.TryGet(new SegmentKey("b", null), out _));
        Assert.Equal(100, cache.SizeBytes);
    }

    [Fact]
    public void A_zero_capacity_keeps_nothing()
    {
        var cache = new SegmentCache(0);
        cache.Add(new SegmentKey("a", null), Segment(1));
        Assert.False(cache.TryGet(new SegmentKey("a", null), out _));
    }
}
