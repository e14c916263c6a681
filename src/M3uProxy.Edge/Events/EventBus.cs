using System.Text.Json.Nodes;

namespace M3uProxy.Edge.Events;

/// <summary>
/// The in-process event bus. Publishing never blocks and never waits for a subscriber: each
/// subscriber (the event log, webhooks, tests) drains its own bounded queue at its own pace, so a
/// slow receiver delays nobody else and never the streaming path.
/// </summary>
internal sealed class EventBus
{
    private readonly TimeProvider _time;
    private readonly ILogger<EventBus> _logger;
    private volatile EventSubscription[] _subscriptions = [];
    private readonly Lock _gate = new();

    public EventBus(TimeProvider time, ILogger<EventBus> logger)
    {
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// A new bounded queue of <paramref name="capacity"/> events (those <paramref name="filter"/>
    /// accepts); <paramref name="reserved"/> events may still be queued beyond it, up to twice it.
    /// </summary>
    public EventSubscription Subscribe(string name, int capacity, Func<ProxyEvent, bool>? filter = null, Func<ProxyEvent, bool>? reserved = null)
    {
        var subscription = new EventSubscription(name, capacity, filter, Unsubscribe, reserved);
        lock (_gate)
        {
            _subscriptions = [.. _subscriptions, subscription];
        }

        return subscription;
    }

    public ProxyEvent Publish(EventType type, string streamId, JsonObject data)
    {
        var proxyEvent = new ProxyEvent(Guid.NewGuid(), type, streamId, _time.GetUtcNow(), data);
        Publish(proxyEvent);
        return proxyEvent;
    }

    public void Publish(ProxyEvent proxyEvent)
    {
        EventLog.Published(_logger, proxyEvent.Type.ToWire(), proxyEvent.StreamId);
        foreach (var subscription in _subscriptions)
        {
            // A dead receiver can drop thousands: log the first drop and then every thousandth.
            if (!subscription.Offer(proxyEvent) && subscription.Dropped is var dropped && (dropped == 1 || dropped % 1000 == 0))
            {
                EventLog.SubscriberFull(_logger, subscription.Name, proxyEvent.Type.ToWire(), dropped);
            }
        }
    }

    /// <summary>Ends every subscription's queue so that readers finish what is queued and stop.</summary>
    public void CompleteAll()
    {
        foreach (var subscription in _subscriptions)
        {
            subscription.Complete();
        }
    }

    private void Unsubscribe(EventSubscription subscription)
    {
        lock (_gate)
        {
            _subscriptions = [.. _subscriptions.Where(s => !ReferenceEquals(s, subscription))];
        }
    }
}
