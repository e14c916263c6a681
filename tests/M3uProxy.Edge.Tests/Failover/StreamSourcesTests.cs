using M3uProxy.Edge.Failover;
using M3uProxy.Edge.Streams;
using Microsoft.Extensions.Time.Testing;

namespace M3uProxy.Edge.Tests.Failover;

public sealed class StreamSourcesTests
{
    private static (StreamRecord Stream, StreamSources Sources, FakeTimeProvider Time) Create(params string[] failoverUrls)
    {
        var time = new FakeTimeProvider();
        var definition = new StreamDefinition("http://a/live/1.ts", failoverUrls, null, "ua", new Dictionary<string, string>(), new Dictionary<string, string>(), false, false, SilenceOverrides.None);
        var stream = new StreamRecord(definition, time.GetUtcNow());
        return (stream, new StreamSources(stream, time), time);
    }

    [Fact]
    public void Advances_AlongTheRing_AndWrapsToThePrimary()
    {
        var (stream, sources, _) = Create("http://b/1.ts", "http://c/1.ts");

        Assert.Equal(-1, stream.Failover.Index);
        Assert.Equal("http://b/1.ts", sources.TryAdvance(sources.Version, "test")!.NewUrl);
        Assert.Equal(0, stream.Failover.Index);
        Assert.Equal("http://c/1.ts", sources.TryAdvance(sources.Version, "test")!.NewUrl);
        var back = sources.TryAdvance(sources.Version, "test")!;
        Assert.Equal("http://a/live/1.ts", back.NewUrl);
        Assert.Equal(-1, back.FailoverIndex);
        Assert.Null(stream.Failover.CurrentUrl);
        Assert.Equal(3, stream.Failover.Attempts);
    }

    [Fact]
    public void StaleVersion_DoesNotAdvance()
    {
        var (_, sources, _) = Create("http://b/1.ts", "http://c/1.ts");
        var seen = sources.Version;

        Assert.NotNull(sources.TryAdvance(seen, "first"));
        Assert.Null(sources.TryAdvance(seen, "second, same failure"));
        Assert.Equal("http://b/1.ts", sources.CurrentUrl);
    }

    [Fact]
    public void StormOfConcurrentTriggers_AdvancesExactlyOnce_HundredsOfTimes()
    {
        for (var iteration = 0; iteration < 300; iteration++)
        {
            var (stream, sources, _) = Create("http://b/1.ts", "http://c/1.ts");
            var seen = sources.Version;
            var switches = 0;
            var notified = 0;
            sources.OnSwitched(() => Interlocked.Increment(ref notified));
            using var start = new Barrier(8);
            var threads = Enumerable.Range(0, 8).Select(_ => new Thread(() =>
            {
                start.SignalAndWait();
                if (sources.TryAdvance(seen, "storm") is not null)
                {
                    Interlocked.Increment(ref switches);
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());

            Assert.Equal(1, switches);
            Assert.Equal(1, notified);
            Assert.Equal(1, stream.Failover.Attempts);
            Assert.Equal(seen + 1, sources.Version);
        }
    }

    [Fact]
    public void CoolingUrls_AreSkipped_UntilTheCooldownExpires()
    {
        var (_, sources, time) = Create("http://b/1.ts", "http://c/1.ts");
        sources.CoolDown("http://b/1.ts", TimeSpan.FromSeconds(60));

        Assert.Equal("http://c/1.ts", sources.TryAdvance(sources.Version, "test")!.NewUrl);
        Assert.Equal("http://a/live/1.ts", sources.TryAdvance(sources.Version, "test")!.NewUrl);

        time.Advance(TimeSpan.FromSeconds(61));
        Assert.False(sources.IsCoolingDown("http://b/1.ts"));
        Assert.Equal("http://b/1.ts", sources.TryAdvance(sources.Version, "test")!.NewUrl);
    }

    [Fact]
    public void EverythingElseCooling_MeansNoAlternative()
    {
        var (_, sources, _) = Create("http://b/1.ts");
        sources.CoolDown("http://b/1.ts", TimeSpan.FromSeconds(60));

        Assert.False(sources.HasAlternative());
        Assert.Null(sources.TryAdvance(sources.Version, "test"));
    }

    [Fact]
    public void StickyRecovery_GoesBackToTheEntryUrl_OnlyFromAnUnlistedBackend()
    {
        var (stream, sources, _) = Create("http://b/1.ts");
        Assert.False(sources.TryRecoverSticky(sources.Version));

        sources.Stick("http://edge7.cdn/1.ts");
        Assert.Equal("http://edge7.cdn/1.ts", sources.CurrentUrl);
        Assert.True(sources.TryRecoverSticky(sources.Version));
        Assert.Null(stream.Failover.CurrentUrl);
        Assert.Equal("http://a/live/1.ts", sources.CurrentUrl);
    }
}
