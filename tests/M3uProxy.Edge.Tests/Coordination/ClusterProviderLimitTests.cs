using M3uProxy.Edge.Events;
using M3uProxy.Edge.Tests.Infrastructure;

namespace M3uProxy.Edge.Tests.Coordination;

/// <summary>A provider limit of 1 across two real instances sharing a real redis-server, with the origin's open connections sampled.</summary>
public sealed class ClusterProviderLimitTests
{
    private static Dictionary<string, string?> Settings(RedisServer redis, string worker, string policy)
    {
        var settings = redis.Settings(worker);
        settings["PROVIDER_MAX_CONNECTIONS"] = "1";
        settings["PROVIDER_LIMIT_POLICY"] = policy;
        return settings;
    }

    [Theory]
    [InlineData("refuse")]
    [InlineData("preempt")]
    public async Task ALimitOf1_AcrossTwoInstances_TheOriginNeverSeesTwo(string policy)
    {
        await using var redis = await RedisServer.StartAsync();
        await using var origin = await ProviderLimitTests.OriginAsync();
        await using var a = await ProxyHost.StartAsync(Settings(redis, "edge-a", policy));
        await using var b = await ProxyHost.StartAsync(Settings(redis, "edge-b", policy));
        var first = await TestCluster.CreateAsync(a, new { url = origin.Url("/live/u/p/1.ts") });
        var second = await TestCluster.CreateAsync(a, new { url = origin.Url("/live/u/p/2.ts") });
        await using var sampler = new OpenConnectionSampler(origin);
        await using var onA = await TestCluster.WatchAsync(a, first, "one");

        await using var onB = await ContinuousViewer.OpenAsync(new Uri(b.BaseAddress, "stream/" + second).ToString(), "two");

        if (policy == "refuse")
        {
            Assert.Equal(503, onB.Status);
            Assert.False(onA.HasEnded);
        }
        else
        {
            Assert.Equal(200, onB.Status);
            await onB.WaitForMoreAsync(188 * 300, TimeSpan.FromSeconds(20));
            var stopped = Assert.Single(b.EventsOf(EventType.StreamStopped), e => e.StreamId == first);
            Assert.Equal("provider_limit_preempted", (string?)stopped.Data["reason"]);
            await Eventually.HoldsAsync(() => onA.HasEnded, TimeSpan.FromSeconds(5), "the preempted viewer on A is ended");
            Assert.Empty(a.EventsOf(EventType.StreamStopped)); // announced once, by the instance that preempted
        }

        Assert.Equal(1, await sampler.StopAsync());
    }

    [Fact]
    public async Task AKilledInstancesSlot_IsFreeWithin10Seconds()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var origin = await ProviderLimitTests.OriginAsync();
        await using var killed = ChildProxy.Start(Settings(redis, "edge-k", "refuse").ToDictionary(p => p.Key, p => p.Value!));
        await killed.WaitUntilUpAsync();
        await using var b = await ProxyHost.StartAsync(Settings(redis, "edge-b", "refuse"));
        var first = await TestCluster.CreateAsync(b, new { url = origin.Url("/live/u/p/1.ts") });
        var second = new Uri(b.BaseAddress, "stream/" + await TestCluster.CreateAsync(b, new { url = origin.Url("/live/u/p/2.ts") })).ToString();
        await using var onKilled = await ContinuousViewer.OpenAsync($"http://127.0.0.1:{killed.Port}/stream/{first}", "one");
        await onKilled.WaitForMoreAsync(188 * 300, TimeSpan.FromSeconds(20));
        using var viewer = new MediaClient("two");
        using (var refused = await viewer.OpenAsync(second, cancellationToken: TestContext.Current.CancellationToken))
        {
            Assert.Equal(503, (int)refused.StatusCode);
        }

        await killed.KillAsync();

        // Each refusal waits the 2 s grace first: the slot must be free within 10 s, plus that grace.
        await Eventually.HoldsAsync(
            async () =>
            {
                using var attempt = await viewer.OpenAsync(second, cancellationToken: TestContext.Current.CancellationToken);
                return attempt.StatusCode == System.Net.HttpStatusCode.OK;
            },
            TimeSpan.FromSeconds(13),
            "the killed instance's slot is free");
    }

    [Fact]
    public async Task ASlotTakenWhileRedisWasDown_IsWrittenBackWithin5Seconds_AndCountsForTheCluster()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var origin = await ProviderLimitTests.OriginAsync();
        await using var a = await ProxyHost.StartAsync(Settings(redis, "edge-a", "refuse"));
        await using var b = await ProxyHost.StartAsync(Settings(redis, "edge-b", "refuse"));
        var first = await TestCluster.CreateAsync(a, new { url = origin.Url("/live/u/p/1.ts") });
        var second = await TestCluster.CreateAsync(a, new { url = origin.Url("/live/u/p/2.ts") });
        Assert.Equal(200, (await b.GetAsync("streams/" + second)).Status); // B holds its copy before Redis goes

        redis.Stop();
        await Eventually.HoldsAsync(async () => (bool?)(await a.GetAsync("health")).Body!["cluster"]!["redis_connected"] == false, TimeSpan.FromSeconds(15), "A says Redis is down");
        await using var onA = await TestCluster.WatchAsync(a, first, "one"); // its slot counted on A alone for now
        await redis.RestartAsync();
        var slots = $"EXISTS m3u-proxy:slots:{origin.BaseAddress.Host}:{origin.BaseAddress.Port}";
        await Eventually.HoldsAsync(async () => await redis.CommandAsync(slots) == ":1", TimeSpan.FromSeconds(5), "A writes its slot back");

        await using var sampler = new OpenConnectionSampler(origin);
        await using var onB = await ContinuousViewer.OpenAsync(new Uri(b.BaseAddress, "stream/" + second).ToString(), "two");
        Assert.Equal(503, onB.Status);
        Assert.Equal(1, await sampler.StopAsync());
        Assert.False(onA.HasEnded);
    }
}
