using System.Threading.Channels;

namespace M3uProxy.Edge.Events;

/// <summary>
/// One subscriber's bounded queue. When the subscriber falls behind, new events are dropped and
/// counted rather than held without bound or waited for.
/// </summary>
internal sealed class EventSubscription : IDisposable
{
    private readonly Channel<ProxyEvent> _queue;
    private readonly Action<EventSubscription> _unsubscribe;
    private readonly Func<ProxyEvent, bool>? _filter;
    private long _dropped;

    public EventSubscription(string name, int capacity, Func<ProxyEvent, bool>? filter, Action<EventSubscription> unsubscribe)
    {
        Name = name;
        _filter = filter;
        _unsubscribe = unsubscribe;
        _queue = Channel.CreateBounded<ProxyEvent>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public string Name { get; }

    public ChannelReader<ProxyEvent> Reader => _queue.Reader;

    public long Dropped => Interlocked.Read(ref _dropped);

    public int Pending => _queue.Reader.Count;

    /// <summary>Never blocks: false (and a count) when the queue is full.</summary>
    internal bool Offer(ProxyEvent proxyEvent)
    {
        if (_filter is not null && !_filter(proxyEvent))
        {
            return true;
        }

        if (_queue.Writer.TryWrite(proxyEvent))
        {
            return true;
        }

        Interlocked.Increment(ref _dropped);
        return false;
    }

    internal void Complete() => _queue.Writer.TryComplete();

    public void Dispose()
    {
        _unsubscribe(this);
        Complete();
    }
}
