using M3uProxy.Edge.Tests.Infrastructure;

namespace M3uProxy.Edge.Tests.Coordination;

/// <summary>The listings answer for the cluster: every stream, and the viewers of every instance.</summary>
public sealed class ClusterListingTests
{
    [Fact]
    public async Task StreamsClientsAndMetadataCounts_IncludeTheOtherInstances()
    {
        await using var cluster = await TestCluster.StartAsync("/live/1.ts");
        var (a, b) = (cluster.A, cluster.B);
        var onlyOnB = await TestCluster.CreateAsync(b, new { url = cluster.Origin.Url("/live/2.ts"), metadata = new { provider = "p9" } });
        var watched = await TestCluster.CreateAsync(a, new { url = cluster.Origin.Url("/live/1.ts"), metadata = new { provider = "p7" } });
        await using var onB = await TestCluster.WatchAsync(b, watched, "tv", "?client_id=tv-on-b");

        // A lists B's stream, and (within a report period or two) B's viewer.
        var (_, streams, _) = await a.GetAsync("streams");
        Assert.Contains(streams!["streams"]!.AsArray(), s => (string?)s!["stream_id"] == onlyOnB);
        await Eventually.HoldsAsync(
            async () => (await a.GetAsync("clients")).Body!["clients"]!.AsArray().Any(c => (string?)c!["client_id"] == "tv-on-b"), TimeSpan.FromSeconds(8), "A lists B's viewer");

        (_, streams, _) = await a.GetAsync("streams");
        Assert.Equal(1, (int?)streams!["streams"]!.AsArray().Single(s => (string?)s!["stream_id"] == watched)!["client_count"]);
        var (_, counts, _) = await a.GetAsync("streams/counts-by-metadata?field=provider&values=p7,p9");
        Assert.Equal(1, (int?)counts!["counts"]!["p7"]);
        Assert.Equal(0, (int?)counts["counts"]!["p9"]);
        var (_, stats, _) = await a.GetAsync("stats");
        Assert.Equal(1, (int?)stats!["active_clients"]);
    }
}
