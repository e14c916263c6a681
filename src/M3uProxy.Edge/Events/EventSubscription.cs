using System.Threading.Channels;

namespace M3uProxy.Edge.Events;

/// <summary>
/// One subscriber's bounded queue. When the subscriber falls behind, new events are dropped and
/// counted rather than held without bound or waited for. Events the subscriber marks as reserved
/// (webhooks: <c>stream_stopped</c>, which m3u-editor counts on) may use a second capacity's worth
/// of room, so a burst of other events cannot push them out; order stays first in, first out.
/// </summary>
internal sealed class EventSubscription : IDisposable
{
    private readonly Channel<ProxyEvent> _queue;
    private readonly Action<EventSubscription> _unsubscribe;
    private readonly Func<ProxyEvent, bool>? _filter;
    private readonly Func<ProxyEvent, bool>? _reserved;
    private readonly int _capacity;
    private long _dropped;

    public EventSubscription(string name, int capacity, Func<ProxyEvent, bool>? filter, Action<EventSubscription> unsubscribe, Func<ProxyEvent, bool>? reserved = null)
    {
        Name = name;
        _filter = filter;
        _reserved = reserved;
        _capacity = capacity;
        _unsubscribe = unsubscribe;
        _queue = Channel.CreateBounded<ProxyEvent>(new BoundedChannelOptions(reserved is null ? capacity : capacity * 2)
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

        var fits = _reserved is null || _queue.Reader.Count < _capacity || _reserved(proxyEvent);
        if (fits && _queue.Writer.TryWrite(proxyEvent))
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
