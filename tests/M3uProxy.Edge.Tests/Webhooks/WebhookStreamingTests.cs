using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Tests.Infrastructure;
using M3uProxy.Edge.Tests.Playback;

namespace M3uProxy.Edge.Tests.Webhooks;

/// <summary>A dead receiver and a full queue never reach the streaming path.</summary>
[Collection(StreamingTests.Name)]
public sealed class WebhookStreamingTests
{
    private const string ChannelPath = "/live/user/pass/1234.ts";

    [Fact]
    public async Task HangingReceiverWithAFullQueue_NeverSlowsViewers()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddLive(ChannelPath, TsPacketFactory.Create(5_000), 400_000);
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var proxy = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["WEBHOOK_QUEUE_SIZE"] = "1" });
        receiver.Hang("/dead");
        var (status, _, _) = await proxy.SendAsync(HttpMethod.Post, "webhooks", json: $$"""{"url":"{{receiver.Url("/dead")}}","timeout":600}""");
        Assert.Equal(200, status);
        var url = await proxy.StreamUrlAsync(origin.Url(ChannelPath));

        // Several viewers join and leave while the receiver holds the first event forever.
        for (var i = 0; i < 5; i++)
        {
            using var client = new MediaClient($"Player/{i}");
            using var response = await client.OpenAsync(url, cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal(200, (int)response.StatusCode);
            var data = await MediaClient.ReadAtLeastAsync(response, 188 * 300, TimeSpan.FromSeconds(20));
            Assert.True(TsPacketFactory.IsAligned(data));
        }

        Assert.Single(receiver.Received("/dead"));
        var (_, performance, _) = await proxy.GetAsync("stats/performance");
        Assert.True((long?)performance!["error_stats"]!["webhook_events_dropped"] > 0);
    }
}
