using M3uProxy.Edge.Tests.Infrastructure;

namespace M3uProxy.Edge.Tests.Coordination;

/// <summary>A webhook registered on one instance is the cluster's: every event reaches it once, from the instance where it happened.</summary>
public sealed class ClusterWebhookTests
{
    [Fact]
    public async Task RegisteredOnOne_EachEventArrivesOnce_WhereverItHappened()
    {
        await using var cluster = await TestCluster.StartAsync("/live/1.ts");
        await using var receiver = await WebhookReceiver.StartAsync();
        var (a, b) = (cluster.A, cluster.B);
        var hook = receiver.Url("/hook");
        var events = """["stream_started","stream_stopped","client_connected","client_disconnected"]""";
        Assert.Equal(200, (await a.SendAsync(HttpMethod.Post, "webhooks", json: $$"""{"url":"{{hook}}","events":{{events}}}""")).Status);
        await Eventually.HoldsAsync(async () => (await b.GetAsync("webhooks")).Body!["webhooks"]!.AsArray().Count == 1, TimeSpan.FromSeconds(3), "B has the webhook");

        var id = await TestCluster.CreateAsync(a, new { url = cluster.Origin.Url("/live/1.ts") });
        await using (var onB = await TestCluster.WatchAsync(b, id, "tv", "?client_id=tv"))
        {
            Assert.Equal(200, (await a.SendAsync(HttpMethod.Delete, "streams/" + id)).Status);
            await receiver.WaitForAsync("/hook", r => r.Any(e => e.EventType == "client_disconnected") && r.Any(e => e.EventType == "stream_stopped"));
        }

        await Task.Delay(1_000, TestContext.Current.CancellationToken); // room for a duplicate to show up
        var received = receiver.Received("/hook").Select(r => r.EventType).Order().ToList();
        Assert.Equal(["client_connected", "client_disconnected", "stream_started", "stream_stopped"], received);

        // Removed on B: gone from A as well.
        Assert.Equal(200, (await b.SendAsync(HttpMethod.Delete, "webhooks?webhook_url=" + Uri.EscapeDataString(hook))).Status);
        await Eventually.HoldsAsync(async () => (await a.GetAsync("webhooks")).Body!["webhooks"]!.AsArray().Count == 0, TimeSpan.FromSeconds(3), "A lets the removed webhook go");
    }

    [Fact]
    public async Task StreamStopped_IsAnnouncedOnce_ByTheInstanceWhoseViewerWasTheLastInTheCluster()
    {
        await using var cluster = await TestCluster.StartAsync("/live/1.ts");
        await using var receiver = await WebhookReceiver.StartAsync();
        var (a, b) = (cluster.A, cluster.B);
        Assert.Equal(200, (await a.SendAsync(HttpMethod.Post, "webhooks", json: $$"""{"url":"{{receiver.Url("/hook")}}","events":["stream_stopped"]}""")).Status);
        await Eventually.HoldsAsync(async () => (await b.GetAsync("webhooks")).Body!["webhooks"]!.AsArray().Count == 1, TimeSpan.FromSeconds(3), "B has the webhook");
        var id = await TestCluster.CreateAsync(a, new { url = cluster.Origin.Url("/live/1.ts") });

        var onA = await TestCluster.WatchAsync(a, id, "a1");
        await using (var onB = await TestCluster.WatchAsync(b, id, "b1"))
        {
            await onA.DisposeAsync(); // A's last viewer leaves while B's watches: the stream has not stopped
            await Task.Delay(1_500, TestContext.Current.CancellationToken);
            Assert.Empty(receiver.Received("/hook"));
        }

        var stopped = Assert.Single(await receiver.WaitForAsync("/hook", r => r.Count >= 1));
        Assert.Equal("last_client_disconnected", (string?)stopped.Json["data"]!["reason"]);
        await Task.Delay(1_000, TestContext.Current.CancellationToken); // room for a duplicate to show up
        Assert.Single(receiver.Received("/hook"));
    }
}
