using M3uProxy.Edge.Metrics;

namespace M3uProxy.Edge.Tests.Metrics;

/// <summary>The fixed-size ring of one stream's samples: oldest first, the oldest overwritten once full.</summary>
public sealed class BitrateRingTests
{
    [Fact]
    public void Empty_HoldsNothing()
    {
        var ring = new BitrateRing(4);

        var (served, upstream) = ring.ToArrays();

        Assert.Equal(0, ring.Count);
        Assert.Empty(served);
        Assert.Empty(upstream);
    }

    [Fact]
    public void BelowCapacity_KeepsEverySampleInOrder()
    {
        var ring = new BitrateRing(4);
        ring.Add(10, 1);
        ring.Add(20, 2);
        ring.Add(30, 3);

        var (served, upstream) = ring.ToArrays();

        Assert.Equal(3, ring.Count);
        Assert.Equal([10L, 20, 30], served);
        Assert.Equal([1L, 2, 3], upstream);
    }

    [Fact]
    public void PastCapacity_KeepsTheNewest_OldestFirst()
    {
        var ring = new BitrateRing(4);
        for (var i = 1; i <= 10; i++)
        {
            ring.Add(i * 100, i);
        }

        var (served, upstream) = ring.ToArrays();

        Assert.Equal(4, ring.Count);
        Assert.Equal([700L, 800, 900, 1000], served);
        Assert.Equal([7L, 8, 9, 10], upstream);
    }

    [Fact]
    public void ExactlyFull_WrapsToTheStart()
    {
        var ring = new BitrateRing(3);
        ring.Add(1, 0);
        ring.Add(2, 0);
        ring.Add(3, 0);
        Assert.Equal([1L, 2, 3], ring.ToArrays().Served);

        ring.Add(4, 0);

        Assert.Equal([2L, 3, 4], ring.ToArrays().Served);
    }

    [Fact]
    public void ZeroCapacity_IsRefused()
        => Assert.Throws<ArgumentOutOfRangeException>(() => new BitrateRing(0));
}
