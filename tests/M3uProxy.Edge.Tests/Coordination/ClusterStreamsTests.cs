using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Tests.Infrastructure;

namespace M3uProxy.Edge.Tests.Coordination;

/// <summary>Several real instances sharing one real redis-server: every stream visible everywhere.</summary>
public sealed class ClusterStreamsTests
{
    private const string ChannelPath = "/live/user/pass/1.ts";
    private static readonly byte[] _packets = TsPacketFactory.Create(2_000);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (!await condition())
        {
            Assert.False(deadline.IsCancellationRequested, "timed out waiting until " + what);
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task Health_SaysRedisIsConnected_AndCountsTheInstances()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await ProxyHost.StartAsync(redis.Settings("edge-a"));
        await using var b = await ProxyHost.StartAsync(redis.Settings("edge-b"));

        await WaitUntilAsync(async () => (int?)(await a.GetAsync("health")).Body!["cluster"]!["instances"] == 2, TimeSpan.FromSeconds(15), "A sees two instances");
        var (_, health, _) = await b.GetAsync("health");
        Assert.True((bool)health!["cluster"]!["redis_enabled"]!);
        Assert.True((bool)health["cluster"]!["redis_connected"]!);
        Assert.Equal("edge-b", (string?)health["cluster"]!["worker_id"]);
        var (_, info, _) = await b.GetAsync("info");
        Assert.True((bool)info!["redis"]!["connected"]!);
        Assert.Equal("edge-b", (string?)info["worker"]!["worker_id"]);
    }

    [Fact]
    public async Task StreamCreatedOnOne_IsSeenAndPlayedOnAnother_AndItsDeletionReachesIt()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddLive(ChannelPath, _packets, 200_000);
        await using var a = await ProxyHost.StartAsync(redis.Settings("edge-a"));
        await using var b = await ProxyHost.StartAsync(redis.Settings("edge-b"));

        var created = await a.CreateStreamAsync(new { url = origin.Url(ChannelPath), failover_urls = new[] { origin.Url("/backup/1.ts") } });
        var id = (string)created["stream_id"]!;

        // Visible on B as soon as A answered: details, then playback.
        var (status, detail, _) = await b.GetAsync("streams/" + id);
        Assert.Equal(200, status);
        Assert.Equal(origin.Url(ChannelPath), (string?)detail!["stream"]!["original_url"]);
        Assert.Equal(origin.Url("/backup/1.ts"), (string?)detail["stream"]!["failover_urls"]![0]);
        using var viewer = new MediaClient("viewer-on-b");
        using var response = await viewer.OpenAsync(new Uri(b.BaseAddress, "stream/" + id).ToString(), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(200, (int)response.StatusCode);
        var data = await MediaClient.ReadAtLeastAsync(response, 188 * 500, TimeSpan.FromSeconds(20));
        Assert.True(TsPacketFactory.IsAligned(data));

        // Deleted on A: B ends its copy (and its viewer) within a second or so.
        Assert.Equal(200, (await a.SendAsync(HttpMethod.Delete, "streams/" + id)).Status);
        await WaitUntilAsync(async () => (await b.GetAsync("streams/" + id)).Status == 404, TimeSpan.FromSeconds(5), "B forgets the deleted stream");
        Assert.Equal(404, (await b.GetAsync("streams/" + id)).Status);
        Assert.Empty(b.EventsOf(M3uProxy.Edge.Events.EventType.StreamStopped)); // announced once, by A
        Assert.Single(a.EventsOf(M3uProxy.Edge.Events.EventType.StreamStopped));
    }

    [Fact]
    public async Task AFailoverOnOne_ReachesTheCopiesOfTheOthers_AndACopyMadeLaterStartsThere()
    {
        await using var cluster = await TestCluster.StartAsync("/live/main.ts", "/live/backup.ts");
        var backup = cluster.Origin.Url("/live/backup.ts");
        var id = await TestCluster.CreateAsync(cluster.A, new { url = cluster.Origin.Url("/live/main.ts"), failover_urls = new[] { backup } });
        Assert.Equal(200, (await cluster.B.GetAsync("streams/" + id)).Status); // B holds its copy

        var (status, body, _) = await cluster.A.SendAsync(HttpMethod.Post, $"streams/{id}/failover");
        Assert.Equal((200, backup), (status, (string?)body!["new_url"]));

        await Eventually.HoldsAsync(async () => (string?)(await cluster.B.GetAsync("streams/" + id)).Body!["stream"]!["current_url"] == backup, TimeSpan.FromSeconds(5), "B's copy follows A's failover");
        await using var c = await ProxyHost.StartAsync(cluster.Redis.Settings("edge-c"));
        var (_, onC, _) = await c.GetAsync("streams/" + id);
        Assert.Equal(backup, (string?)onC!["stream"]!["current_url"]); // read through with the position, not the primary
        Assert.Equal(0, (int?)onC["stream"]!["current_failover_index"]);
    }

    [Fact]
    public async Task UnknownStream_IsStillA404_OnEveryInstance()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await ProxyHost.StartAsync(redis.Settings("edge-a"));

        Assert.Equal(404, (await a.GetAsync("streams/00000000000000000000000000000000")).Status);
        Assert.Equal(404, (await a.GetAsync("stream/00000000000000000000000000000000")).Status);
    }

    [Fact]
    public async Task RedisRestartedEmpty_InstancesKeepAnswering_AndReassertTheirStreams()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddLive(ChannelPath, _packets, 200_000);
        await using var a = await ProxyHost.StartAsync(redis.Settings("edge-a"));
        await using var b = await ProxyHost.StartAsync(redis.Settings("edge-b"));
        var id = (string)(await a.CreateStreamAsync(new { url = origin.Url(ChannelPath) }))["stream_id"]!;

        redis.Stop();
        await WaitUntilAsync(async () => (bool?)(await a.GetAsync("health")).Body!["cluster"]!["redis_connected"] == false, TimeSpan.FromSeconds(15), "A says Redis is down");

        // Redis down: A still answers for what it holds, and still takes new streams (locally).
        Assert.Equal(200, (await a.GetAsync("streams/" + id)).Status);
        var second = (string)(await a.CreateStreamAsync(new { url = origin.Url("/live/user/pass/2.ts") }))["stream_id"]!;

        // Redis back, empty: A re-asserts both streams, and B finds them.
        await redis.RestartAsync();
        await WaitUntilAsync(async () => (await b.GetAsync("streams/" + id)).Status == 200 && (await b.GetAsync("streams/" + second)).Status == 200,
            TimeSpan.FromSeconds(20), "B finds A's streams again");
        Assert.True((bool)(await a.GetAsync("health")).Body!["cluster"]!["redis_connected"]!);
    }
}
