namespace M3uProxy.Edge.Hls;

/// <summary>
/// A bounded least-recently-used cache of whole segments, sized in bytes
/// (<c>HLS_SEGMENT_CACHE_BYTES</c>). Viewers a little behind each other get a segment from
/// memory; one lock, held only for dictionary and list updates.
/// </summary>
internal sealed class SegmentCache
{
    private readonly Dictionary<SegmentKey, LinkedListNode<(SegmentKey Key, SharedSegment Segment)>> _index = [];
    private readonly LinkedList<(SegmentKey Key, SharedSegment Segment)> _recency = new();
    private readonly Lock _gate = new();
    private readonly long _capacity;
    private long _size;

    public SegmentCache(long capacityBytes) => _capacity = capacityBytes;

    public long SizeBytes
    {
        get
        {
            lock (_gate)
            {
                return _size;
            }
        }
    }

    public bool TryGet(SegmentKey key, out SharedSegment segment)
    {
        lock (_gate)
        {
            if (_index.TryGetValue(key, out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                segment = node.Value.Segment;
                return true;
            }
        }

        segment = null!;
        return false;
    }

    public void Add(SegmentKey key, SharedSegment segment)
    {
        var size = segment.Body.Length;
        if (size > _capacity)
        {
            return;
        }

        lock (_gate)
        {
            if (_index.Remove(key, out var existing))
            {
                _recency.Remove(existing);
                _size -= existing.Value.Segment.Body.Length;
            }

            while (_size + size > _capacity && _recency.Last is { } oldest)
            {
                _recency.RemoveLast();
                _index.Remove(oldest.Value.Key);
                _size -= oldest.Value.Segment.Body.Length;
            }

            _index[key] = _recency.AddFirst((key, segment));
            _size += size;
        }
    }
}
