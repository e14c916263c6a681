namespace M3uProxy.Edge.Testing;

/// <summary>Thread-safe request log and byte counter of one path.</summary>
internal sealed class PathStatistics
{
    private readonly List<RecordedRequest> _requests = [];
    private readonly Lock _lock = new();
    private long _bytesSent;

    public long BytesSent => Interlocked.Read(ref _bytesSent);

    public int RequestCount
    {
        get
        {
            lock (_lock)
            {
                return _requests.Count;
            }
        }
    }

    public void Record(RecordedRequest request)
    {
        lock (_lock)
        {
            _requests.Add(request);
        }
    }

    public void AddBytes(long count) => Interlocked.Add(ref _bytesSent, count);

    public IReadOnlyList<RecordedRequest> Snapshot()
    {
        lock (_lock)
        {
            return [.. _requests];
        }
    }
}
