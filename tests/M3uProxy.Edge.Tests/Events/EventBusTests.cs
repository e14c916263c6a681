using System.Text.Json.Nodes;
using M3uProxy.Edge.Events;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace M3uProxy.Edge.Tests.Events;

public sealed class EventBusTests
{
    private static EventBus NewBus(FakeTimeProvider? time = null) => new(time ?? new FakeTimeProvider(), NullLogger<EventBus>.Instance);

    [Fact]
    public void Publish_ReachesEverySubscriber_InOrder_WithEnvelope()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));
        var bus = NewBus(time);
        using var first = bus.Subscribe("first", 10);
        using var second = bus.Subscribe("second", 10);

        bus.Publish(EventType.StreamStarted, "s1", new JsonObject { ["n"] = 1 });
        bus.Publish(EventType.StreamStopped, "s1", new JsonObject { ["n"] = 2 });

        foreach (var subscription in new[] { first, second })
        {
            Assert.True(subscription.Reader.TryRead(out var a));
            Assert.True(subscription.Reader.TryRead(out var b));
            Assert.Equal(EventType.StreamStarted, a.Type);
            Assert.Equal(EventType.StreamStopped, b.Type);
            Assert.Equal(time.GetUtcNow(), a.Timestamp);
            Assert.NotEqual(a.EventId, b.EventId);
        }
    }

    [Fact]
    public void FullSubscriber_DropsAndCounts_WithoutBlockingOthers()
    {
        var bus = NewBus();
        using var slow = bus.Subscribe("slow", 2);
        using var healthy = bus.Subscribe("healthy", 100);

        for (var i = 0; i < 50; i++)
        {
            bus.Publish(EventType.ClientConnected, "s", []);
        }

        Assert.Equal(48, slow.Dropped);
        Assert.Equal(2, slow.Pending);
        Assert.Equal(50, healthy.Pending);
        Assert.Equal(0, healthy.Dropped);
    }

    [Fact]
    public void ReservedEvents_StillFitWhenTheQueueIsFull_UpToTwiceItsCapacity_InOrder()
    {
        var bus = NewBus();
        using var webhook = bus.Subscribe("webhook", 3, reserved: e => e.Type == EventType.StreamStopped);

        for (var i = 0; i < 10; i++)
        {
            bus.Publish(EventType.ClientConnected, "s", []);
        }

        bus.Publish(EventType.StreamStopped, "a", []);
        bus.Publish(EventType.ClientDisconnected, "s", []);
        bus.Publish(EventType.StreamStopped, "b", []);
        for (var i = 0; i < 10; i++)
        {
            bus.Publish(EventType.StreamStopped, "c", []);
        }

        Assert.Equal(6, webhook.Pending);
        Assert.Equal(7 + 1 + 9, webhook.Dropped);
        var queued = new List<ProxyEvent>();
        while (webhook.Reader.TryRead(out var e))
        {
            queued.Add(e);
        }

        Assert.Equal(["s", "s", "s", "a", "b", "c"], queued.Select(e => e.StreamId));
    }

    [Fact]
    public void Filter_KeepsOnlyWantedEvents_AndDisposeUnsubscribes()
    {
        var bus = NewBus();
        var stops = bus.Subscribe("stops", 10, e => e.Type == EventType.StreamStopped);

        bus.Publish(EventType.StreamStarted, "s", []);
        bus.Publish(EventType.StreamStopped, "s", []);
        Assert.Equal(1, stops.Pending);

        stops.Dispose();
        bus.Publish(EventType.StreamStopped, "s", []);
        Assert.Equal(1, stops.Pending);
    }

    [Fact]
    public void WireNames_MatchReference()
        => Assert.Equal(
            ["stream_started", "stream_stopped", "stream_failed", "client_connected", "client_disconnected", "failover_triggered"],
            EventTypeNames.All.Select(t => t.ToWire()));
}
