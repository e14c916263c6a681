using M3uProxy.Edge.Clients;
using M3uProxy.Edge.Events;
using M3uProxy.Edge.Tests.Infrastructure;

namespace M3uProxy.Edge.Tests.Webhooks;

/// <summary>None of the reference's volume bugs (seed-spec §11.3): one event per fact, as a receiver sees it.</summary>
public sealed class EventVolumeTests
{
    private static readonly ClientIdentity _viewer = new("10.0.0.9", "Kodi", null);

    [Fact]
    public async Task OneViewer_RequestingAgainAndAgain_IsOneConnectAndOneDisconnect_AndRePostsOfAWatchedStreamAreNotNewStarts()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var proxy = await ProxyHost.StartAsync();
        var (status, _, _) = await proxy.SendAsync(HttpMethod.Post, "webhooks", json: $$"""{"url":"{{receiver.Url("/hook")}}"}""");
        Assert.Equal(200, status);

        var created = await proxy.CreateStreamAsync(new { url = "http://provider.example/live/1.ts" });
        Assert.True(proxy.Lifecycle.Streams.TryGet((string)created["stream_id"]!, out var stream));
        ClientRecord? client = null;
        for (var i = 0; i < 10; i++)
        {
            client = proxy.Lifecycle.RegisterClient(stream, "client_a", _viewer); // e.g. one per segment or reconnect
        }

        // m3u-editor POSTs again when a second viewer opens the same channel.
        await proxy.CreateStreamAsync(new { url = "http://provider.example/live/1.ts" });
        await proxy.CreateStreamAsync(new { url = "http://provider.example/live/1.ts" });
        proxy.Lifecycle.DisconnectClient(client!);
        proxy.Lifecycle.DisconnectClient(client!);

        var received = await receiver.WaitForAsync("/hook", r => r.Count >= 4);
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.Equal(["stream_started", "client_connected", "client_disconnected", "stream_stopped"], receiver.Received("/hook").Select(r => r.EventType));
        Assert.Equal(4, received.Count);
        Assert.Single(proxy.EventsOf(EventType.StreamStarted));
    }

    [Fact]
    public async Task RePostOfAnUnwatchedStream_AnnouncesItsNewDefinition()
    {
        await using var proxy = await ProxyHost.StartAsync();

        await proxy.CreateStreamAsync(new { url = "http://provider.example/live/1.ts", metadata = new { id = 1 } });
        await proxy.CreateStreamAsync(new { url = "http://provider.example/live/1.ts", metadata = new { id = 2 } });

        var started = proxy.EventsOf(EventType.StreamStarted);
        Assert.Equal(2, started.Count);
        Assert.Equal("2", (string?)started[1].Data["metadata"]!["id"]);
    }
}
