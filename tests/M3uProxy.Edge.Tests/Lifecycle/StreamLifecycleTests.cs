using M3uProxy.Edge.Clients;
using M3uProxy.Edge.Events;
using M3uProxy.Edge.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace M3uProxy.Edge.Tests.Lifecycle;

/// <summary>Reaping and exactly-once <c>stream_stopped</c>, driven by a fake clock through the real reaper service.</summary>
public sealed class StreamLifecycleTests
{
    private static readonly ClientIdentity _viewer = new("10.0.0.9", "Kodi", null);

    private static Task<ProxyHost> StartAsync(FakeTimeProvider time) => ProxyHost.StartAsync(
        new Dictionary<string, string?> { ["STREAM_TIMEOUT"] = "60", ["CLIENT_TIMEOUT"] = "10", ["CLEANUP_INTERVAL"] = "5" }, time);

    /// <summary>Advances fake time one reaper period at a time, letting each sweep run.</summary>
    private static async Task AdvanceAsync(FakeTimeProvider time, TimeSpan span)
    {
        for (var left = span; left > TimeSpan.Zero; left -= TimeSpan.FromSeconds(5))
        {
            time.Advance(TimeSpan.FromSeconds(5));
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task UnplayedStream_IsReapedAfterStreamTimeout_WithOneStreamStopped()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-25T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var host = await StartAsync(time);
        await host.CreateStreamAsync(new { url = "http://p.example/live/1.ts", metadata = new { provider_profile_id = 5 } });

        await AdvanceAsync(time, TimeSpan.FromSeconds(55));
        Assert.Single(host.Lifecycle.Streams.Snapshot());

        await AdvanceAsync(time, TimeSpan.FromSeconds(15));
        await WaitUntilAsync(() => host.Lifecycle.Streams.Snapshot().Count == 0);
        var stop = Assert.Single(host.EventsOf(EventType.StreamStopped));
        Assert.Equal("inactive_timeout", (string?)stop.Data["reason"]);
        Assert.Equal(60, (int?)stop.Data["timeout_seconds"]);
        Assert.Equal("5", (string?)stop.Data["metadata"]!["provider_profile_id"]);

        await AdvanceAsync(time, TimeSpan.FromSeconds(120));
        Assert.Single(host.EventsOf(EventType.StreamStopped));
    }

    [Fact]
    public async Task LastClientLeaving_StopsOnce_ThenReaperRemovesWithoutSecondStop()
    {
        var time = new FakeTimeProvider();
        await using var host = await StartAsync(time);
        await host.CreateStreamAsync(new { url = "http://p.example/live/1.ts" });
        var stream = host.Lifecycle.Streams.Snapshot().Single();
        var client = host.Lifecycle.RegisterClient(stream, "client_a", _viewer)!;

        host.Lifecycle.DisconnectClient(client);
        await AdvanceAsync(time, TimeSpan.FromSeconds(70));
        await WaitUntilAsync(() => host.Lifecycle.Streams.Snapshot().Count == 0);

        var stop = Assert.Single(host.EventsOf(EventType.StreamStopped));
        Assert.Equal("last_client_disconnected", (string?)stop.Data["reason"]);
        Assert.Equal("client_a", (string?)stop.Data["client_id"]);
        Assert.Single(host.EventsOf(EventType.ClientConnected));
        Assert.Single(host.EventsOf(EventType.ClientDisconnected));
    }

    [Fact]
    public async Task IdleClient_IsReaped_ButNotWhileItHasAnOpenResponse()
    {
        var time = new FakeTimeProvider();
        await using var host = await StartAsync(time);
        await host.CreateStreamAsync(new { url = "http://p.example/live/1.ts" });
        var stream = host.Lifecycle.Streams.Snapshot().Single();
        var watching = host.Lifecycle.RegisterClient(stream, "client_watching", _viewer)!;
        host.Lifecycle.RegisterClient(stream, "client_idle", _viewer);
        watching.ResponseOpened();

        await AdvanceAsync(time, TimeSpan.FromSeconds(30));
        await WaitUntilAsync(() => !host.Lifecycle.Clients.TryGet("client_idle", out _));

        Assert.True(host.Lifecycle.Clients.TryGet("client_watching", out _));
        Assert.Empty(host.EventsOf(EventType.StreamStopped));

        watching.ResponseClosed();
        await AdvanceAsync(time, TimeSpan.FromSeconds(15));
        await WaitUntilAsync(() => host.Lifecycle.Clients.Count == 0);
        Assert.Single(host.EventsOf(EventType.StreamStopped));
    }

    [Fact]
    public async Task RejoiningClient_StartsANewLifetime_WithItsOwnStop()
    {
        var time = new FakeTimeProvider();
        await using var host = await StartAsync(time);
        await host.CreateStreamAsync(new { url = "http://p.example/live/1.ts" });
        var stream = host.Lifecycle.Streams.Snapshot().Single();

        host.Lifecycle.DisconnectClient(host.Lifecycle.RegisterClient(stream, "client_a", _viewer)!);
        host.Lifecycle.DisconnectClient(host.Lifecycle.RegisterClient(stream, "client_a", _viewer)!);

        Assert.Equal(2, host.EventsOf(EventType.StreamStopped).Count);
        Assert.Equal(2, host.EventsOf(EventType.ClientConnected).Count);
    }

    [Fact]
    public async Task RegisteringTwice_EmitsOneClientConnected()
    {
        var time = new FakeTimeProvider();
        await using var host = await StartAsync(time);
        await host.CreateStreamAsync(new { url = "http://p.example/live/1.ts" });
        var stream = host.Lifecycle.Streams.Snapshot().Single();

        var first = host.Lifecycle.RegisterClient(stream, "client_a", _viewer);
        var second = host.Lifecycle.RegisterClient(stream, "client_a", _viewer);

        Assert.Same(first, second);
        var connected = Assert.Single(host.EventsOf(EventType.ClientConnected));
        Assert.Equal(["client_id", "user_agent", "ip_address", "username", "stream_client_count", "metadata"], connected.Data.Select(p => p.Key));
    }

    [Fact]
    public async Task LastClientLeavingWhileDeleteArrives_StopsExactlyOnce_ManyTimesOver()
    {
        var time = new FakeTimeProvider();
        await using var host = await StartAsync(time);
        for (var i = 0; i < 300; i++)
        {
            var url = $"http://p.example/live/race{i}.ts";
            await host.CreateStreamAsync(new { url });
            var stream = host.Lifecycle.Streams.Snapshot().Single(s => s.Definition.Url == url);
            var client = host.Lifecycle.RegisterClient(stream, $"client_{i}", _viewer)!;
            using var start = new Barrier(2);
            var leave = Task.Run(() => { start.SignalAndWait(); host.Lifecycle.DisconnectClient(client); }, TestContext.Current.CancellationToken);
            var delete = Task.Run(() => { start.SignalAndWait(); host.Lifecycle.RemoveStream(stream, new StopReason("manual_deletion")); }, TestContext.Current.CancellationToken);
            await Task.WhenAll(leave, delete);

            Assert.Single(host.EventsOf(EventType.StreamStopped), e => e.StreamId == stream.Id);
            Assert.Single(host.EventsOf(EventType.ClientDisconnected), e => e.StreamId == stream.Id);
        }
    }

    [Fact]
    public async Task Shutdown_StopsEveryStream_AndEndsViewers()
    {
        var time = new FakeTimeProvider();
        var host = await StartAsync(time);
        await host.CreateStreamAsync(new { url = "http://p.example/live/1.ts" });
        await host.CreateStreamAsync(new { url = "http://p.example/live/2.ts" });
        var streams = host.Lifecycle.Streams.Snapshot();
        host.Lifecycle.RegisterClient(streams[0], "client_a", _viewer);

        await host.StopAsync();

        var stops = host.EventsOf(EventType.StreamStopped);
        Assert.Equal(2, stops.Count);
        Assert.All(stops, e => Assert.Equal("server_shutdown", (string?)e.Data["reason"]));
        Assert.All(streams, s => Assert.True(s.Lifetime.IsCancellationRequested));
        await host.DisposeAsync();
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 5 s");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }
}
