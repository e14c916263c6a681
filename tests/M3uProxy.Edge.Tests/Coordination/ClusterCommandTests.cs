using M3uProxy.Edge.Tests.Infrastructure;

namespace M3uProxy.Edge.Tests.Coordination;

/// <summary>Commands asked at any instance reach the one that holds what they are about.</summary>
public sealed class ClusterCommandTests
{
    [Fact]
    public async Task ManualFailover_AskedWhereTheChannelIsRelayed_SwitchesTheOwnersUpstream()
    {
        await using var cluster = await TestCluster.StartAsync("/live/main.ts", "/live/backup.ts");
        var origin = cluster.Origin;
        var id = await TestCluster.CreateAsync(cluster.A, new { url = origin.Url("/live/main.ts"), failover_urls = new[] { origin.Url("/live/backup.ts") } });
        await using var onA = await TestCluster.WatchAsync(cluster.A, id, "a1"); // A owns the channel
        await using var onB = await TestCluster.WatchAsync(cluster.B, id, "b1");

        var (status, body, _) = await cluster.B.SendAsync(HttpMethod.Post, $"streams/{id}/failover");

        Assert.Equal(200, status);
        Assert.Equal(origin.Url("/live/backup.ts"), (string?)body!["new_url"]);
        await origin.WaitForRequestCountAsync("/live/backup.ts", 1, TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        await onB.WaitForMoreAsync(188 * 500, TimeSpan.FromSeconds(20));
        Assert.Equal(1, origin.RequestCount("/live/main.ts"));
        Assert.Equal(1, origin.RequestCount("/live/backup.ts"));
    }

    [Fact]
    public async Task ClientDisconnect_AskedAtAnotherInstance_ReachesTheClientsInstance()
    {
        await using var cluster = await TestCluster.StartAsync("/live/main.ts");
        var id = await TestCluster.CreateAsync(cluster.A, new { url = cluster.Origin.Url("/live/main.ts") });
        await using var onB = await TestCluster.WatchAsync(cluster.B, id, "b1", "?client_id=kodi-livingroom");
        Assert.Equal(200, (await cluster.B.GetAsync("clients/kodi-livingroom")).Status);

        Assert.Equal(200, (await cluster.A.SendAsync(HttpMethod.Delete, $"hls/{id}/clients/kodi-livingroom")).Status);

        await Eventually.HoldsAsync(async () => (await cluster.B.GetAsync("clients/kodi-livingroom")).Status == 404, TimeSpan.FromSeconds(2), "B lets the client go");
    }
}
