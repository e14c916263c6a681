using M3uProxy.Edge.Tests.Infrastructure;

namespace M3uProxy.Edge.Tests.Coordination;

/// <summary>
/// One upstream per live channel across real instances sharing a real redis-server: the instance
/// that takes the channel's lease reads the origin, the others relay from it; when the owner goes
/// (shut down, or killed), an instance with viewers takes over while its viewers keep their response.
/// </summary>
public sealed class ClusterRelayTests
{
    private const string ChannelPath = "/live/user/pass/1.ts";

    [Fact]
    public async Task CreatedOnOne_PlayedOnTwoOthers_TheOriginSeesOneConnection()
    {
        await using var cluster = await TestCluster.StartAsync(ChannelPath);
        await using var c = await ProxyHost.StartAsync(cluster.Redis.Settings("edge-c"));
        var origin = cluster.Origin;
        var id = await TestCluster.CreateAsync(cluster.A, new { url = origin.Url(ChannelPath) });
        await using var sampler = new OpenConnectionSampler(origin);

        await using var onB1 = await TestCluster.WatchAsync(cluster.B, id, "b1"); // B owns the channel
        await using var onB2 = await TestCluster.WatchAsync(cluster.B, id, "b2");
        await using var onC1 = await TestCluster.WatchAsync(c, id, "c1"); // C relays it from B, once for both viewers
        await using var onC2 = await TestCluster.WatchAsync(c, id, "c2");
        foreach (var viewer in new[] { onB1, onB2, onC1, onC2 })
        {
            await viewer.WaitForMoreAsync(188 * 500, TimeSpan.FromSeconds(20));
        }

        Assert.Equal(1, await sampler.StopAsync());
        Assert.Equal(1, origin.RequestCount(ChannelPath));
    }

    [Fact]
    public async Task TheRelayRoute_NeedsTheClusterSecret()
    {
        await using var cluster = await TestCluster.StartAsync(ChannelPath);
        var id = await TestCluster.CreateAsync(cluster.A, new { url = cluster.Origin.Url(ChannelPath) });

        Assert.Equal(403, (await cluster.A.GetAsync("cluster/relay/" + id)).Status);
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "cluster/relay/" + id);
        wrong.Headers.Add("X-Cluster-Secret", "guessed");
        using var refused = await cluster.A.Client.SendAsync(wrong, TestContext.Current.CancellationToken);
        Assert.Equal(403, (int)refused.StatusCode);
        Assert.Equal(403, (await cluster.A.SendAsync(HttpMethod.Post, "cluster/failover/" + id)).Status);
        Assert.Equal(0, cluster.Origin.RequestCount(ChannelPath));

        await using var single = await ProxyHost.StartAsync();
        Assert.Equal(403, (await single.GetAsync("cluster/relay/" + id)).Status);
    }

    [Fact]
    public async Task OwnerShutDown_AnotherInstanceTakesOver_ItsViewerKeepsItsResponse()
    {
        await using var cluster = await TestCluster.StartAsync(ChannelPath);
        var origin = cluster.Origin;
        var id = await TestCluster.CreateAsync(cluster.A, new { url = origin.Url(ChannelPath) });
        await using var onA = await TestCluster.WatchAsync(cluster.A, id, "a1"); // A owns the channel
        await using var onB = await TestCluster.WatchAsync(cluster.B, id, "b1");
        Assert.Equal(1, origin.RequestCount(ChannelPath));

        await cluster.A.StopAsync();

        await origin.WaitForRequestCountAsync(ChannelPath, 2, TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        await onB.WaitForMoreAsync(188 * 1_000, TimeSpan.FromSeconds(20));
        Assert.False(onB.HasEnded);
        Assert.Equal(2, origin.RequestCount(ChannelPath));
    }

    [Fact]
    public async Task OwnerKilled_TheInstanceWithViewersReconnectsUpstreamWithin6Seconds_ItsViewerStays()
    {
        await using var cluster = await TestCluster.StartAsync(ChannelPath);
        var origin = cluster.Origin;
        await using var killed = ChildProxy.Start(cluster.Redis.Settings("edge-k").ToDictionary(p => p.Key, p => p.Value!));
        await killed.WaitUntilUpAsync();
        var id = await TestCluster.CreateAsync(cluster.B, new { url = origin.Url(ChannelPath) });

        await using var onKilled = await ContinuousViewer.OpenAsync($"http://127.0.0.1:{killed.Port}/stream/{id}", "k1");
        await onKilled.WaitForMoreAsync(188 * 300, TimeSpan.FromSeconds(20)); // the process owns the channel
        await using var onB = await TestCluster.WatchAsync(cluster.B, id, "b1");
        Assert.Equal(1, origin.RequestCount(ChannelPath));

        await killed.KillAsync();

        await origin.WaitForRequestCountAsync(ChannelPath, 2, TimeSpan.FromSeconds(6), TestContext.Current.CancellationToken);
        await onB.WaitForMoreAsync(188 * 1_000, TimeSpan.FromSeconds(20));
        Assert.False(onB.HasEnded);
        await origin.WaitForOpenConnectionsAsync(1, TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task RedisRestartedEmptyUnderLoad_ViewersStay_TheOwnerReassertsItsLease_NoSecondUpstream()
    {
        await using var cluster = await TestCluster.StartAsync(ChannelPath);
        var id = await TestCluster.CreateAsync(cluster.A, new { url = cluster.Origin.Url(ChannelPath) });
        await using var onA = await TestCluster.WatchAsync(cluster.A, id, "a1"); // A owns the channel
        await using var onB = await TestCluster.WatchAsync(cluster.B, id, "b1");

        cluster.Redis.Stop();
        await onB.WaitForMoreAsync(188 * 500, TimeSpan.FromSeconds(20)); // the relay does not need Redis
        await cluster.Redis.RestartAsync();

        // The value as a status line ("+{token} edge-a {url}"), which the inline client reads in one line.
        var owner = $"EVAL \"return redis.status_reply(redis.call('get', KEYS[1]) or 'none')\" 1 m3u-proxy:owner:{id}";
        await Eventually.HoldsAsync(async () => (await cluster.Redis.CommandAsync(owner)).Contains(" edge-a ", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "A re-asserts its lease");
        await onA.WaitForMoreAsync(188 * 500, TimeSpan.FromSeconds(20));
        await onB.WaitForMoreAsync(188 * 500, TimeSpan.FromSeconds(20));
        Assert.Equal(1, cluster.Origin.RequestCount(ChannelPath));
    }

    [Fact]
    public async Task RedisDown_ANewChannelPlaysWhereItIsAsked_AndCommandsAnswerWithin3Seconds()
    {
        await using var cluster = await TestCluster.StartAsync(ChannelPath, "/live/backup.ts");
        var origin = cluster.Origin;
        var id = await TestCluster.CreateAsync(cluster.A, new { url = origin.Url(ChannelPath), failover_urls = new[] { origin.Url("/live/backup.ts") } });
        Assert.Equal(200, (await cluster.B.GetAsync("streams/" + id)).Status); // B holds its copy

        cluster.Redis.Stop();
        await Eventually.HoldsAsync(async () => (bool?)(await cluster.B.GetAsync("health")).Body!["cluster"]!["redis_connected"] == false, TimeSpan.FromSeconds(15), "B says Redis is down");

        await using var onB = await TestCluster.WatchAsync(cluster.B, id, "b1"); // owned here until Redis answers
        var asked = System.Diagnostics.Stopwatch.StartNew();
        var (status, body, _) = await cluster.B.SendAsync(HttpMethod.Post, $"streams/{id}/failover");
        var (listed, _, _) = await cluster.B.GetAsync("streams");
        Assert.True(asked.Elapsed < TimeSpan.FromSeconds(3), $"answered after {asked.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal((200, 200), (status, listed));
        Assert.Equal(origin.Url("/live/backup.ts"), (string?)body!["new_url"]);
        await onB.WaitForMoreAsync(188 * 500, TimeSpan.FromSeconds(20));
    }
}
