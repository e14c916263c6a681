using M3uProxy.Edge.Events;
using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Tests.Infrastructure;
using M3uProxy.Edge.Tests.Playback;

namespace M3uProxy.Edge.Tests.Failover;

/// <summary>The state machine's state, as operators see it in <c>source_state</c>, and sticky sessions (seed-spec §7.5).</summary>
[Collection(StreamingTests.Name)]
public sealed class SourceStateTests
{
    private const string Channel = "/live/user/pass/5.ts";

    private static async Task<string?> StateAsync(ProxyHost proxy, string streamId)
        => (string?)(await proxy.GetAsync($"streams/{streamId}")).Body!["stream"]!["source_state"];

    private static async Task WaitForStateAsync(ProxyHost proxy, string streamId, string expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        string? state = null;
        while (DateTime.UtcNow < deadline && (state = await StateAsync(proxy, streamId)) != expected)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.Equal(expected, state);
    }

    [Fact]
    public async Task SourceState_GoesIdle_Streaming_Idle()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddLive(Channel, TsPacketFactory.Create(5_000), 400_000);
        await using var proxy = await ProxyHost.StartAsync();
        var url = await proxy.StreamUrlAsync(origin.Url(Channel));
        var streamId = url[(url.LastIndexOf('/') + 1)..];
        Assert.Equal("idle", await StateAsync(proxy, streamId));

        using (var client = new MediaClient())
        {
            using var response = await client.OpenAsync(url, cancellationToken: TestContext.Current.CancellationToken);
            await MediaClient.ReadAtLeastAsync(response, 188 * 10, TimeSpan.FromSeconds(10));
            Assert.Equal("streaming", await StateAsync(proxy, streamId));
        }

        await WaitForStateAsync(proxy, streamId, "idle");
    }

    [Fact]
    public async Task SourceState_ShowsRetrying_ThenFailed()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddLive(Channel, TsPacketFactory.Create(5_000), 400_000, behavior: new OriginBehavior { StatusCode = 500 });
        await using var proxy = await ProxyHost.StartAsync(new Dictionary<string, string?>
        {
            ["STREAM_RETRY_ATTEMPTS"] = "1",
            ["STREAM_RETRY_DELAY"] = "2",
        });
        var url = await proxy.StreamUrlAsync(origin.Url(Channel));
        var streamId = url[(url.LastIndexOf('/') + 1)..];
        using var client = new MediaClient();

        var viewer = client.OpenAsync(url, cancellationToken: TestContext.Current.CancellationToken);
        await WaitForStateAsync(proxy, streamId, "retrying");
        using var response = await viewer;

        Assert.Equal(502, (int)response.StatusCode);
        Assert.Equal("failed", await StateAsync(proxy, streamId));
        var failed = Assert.Single(proxy.EventsOf(EventType.StreamFailed));
        Assert.Equal("retries_exhausted", (string?)failed.Data["reason"]); // one retry, well within STREAM_TOTAL_TIMEOUT
    }

    [Fact]
    public async Task StickySession_StaysOnTheRedirectTarget_AndGoesBackToTheEntryUrlBeforeFailingOver()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddLive("/lb/5.ts", TsPacketFactory.Create(10), 400_000, behavior: new OriginBehavior { RedirectTo = "/node-a/5.ts" });
        origin.AddLive("/node-a/5.ts", TsPacketFactory.Create(20_000), 400_000, behavior: new OriginBehavior { DropAfterBytes = 188 * 1500 });
        origin.AddLive("/backup/5.ts", TsPacketFactory.Create(20_000), 400_000);
        await using var proxy = await ProxyHost.StartAsync(new Dictionary<string, string?>
        {
            ["STREAM_RETRY_ATTEMPTS"] = "0",
            ["STREAM_RETRY_DELAY"] = "0.1",
        });
        var url = await proxy.StreamUrlAsync(origin.Url("/lb/5.ts"), new { use_sticky_session = true, failover_urls = new[] { origin.Url("/backup/5.ts") } });
        var streamId = url[(url.LastIndexOf('/') + 1)..];
        using var client = new MediaClient();

        using var response = await client.OpenAsync(url, cancellationToken: TestContext.Current.CancellationToken);
        await MediaClient.ReadAtLeastAsync(response, 188 * 100, TimeSpan.FromSeconds(10));
        Assert.Equal(origin.Url("/node-a/5.ts"), (string?)(await proxy.GetAsync($"streams/{streamId}")).Body!["stream"]!["current_url"]);

        // node-a drops: the stream goes back through the entry URL (the balancer) instead of burning a failover URL.
        await origin.WaitForRequestCountAsync("/lb/5.ts", 2, TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken);
        await MediaClient.ReadAtLeastAsync(response, 188 * 100, TimeSpan.FromSeconds(10));
        Assert.Empty(proxy.EventsOf(EventType.FailoverTriggered));
        Assert.Equal(0, origin.RequestCount("/backup/5.ts"));
    }
}
