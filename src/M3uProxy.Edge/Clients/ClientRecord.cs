namespace M3uProxy.Edge.Clients;

/// <summary>
/// One client of one stream (seed-spec §10.1). Byte counters and times are updated lock-free;
/// <see cref="OpenResponses"/> counts streaming responses still open, and a client with one
/// open is never reaped for inactivity.
/// </summary>
internal sealed class ClientRecord
{
    private long _lastAccessTicks;
    private long _lastDataTicks;
    private long _bytesServed;
    private long _segmentsServed;
    private int _openResponses;

    public ClientRecord(string clientId, string streamId, ClientIdentity identity, DateTimeOffset now)
    {
        ClientId = clientId;
        StreamId = streamId;
        Identity = identity;
        CreatedAt = now;
        _lastAccessTicks = now.UtcTicks;
    }

    public string ClientId { get; }

    public string StreamId { get; }

    public ClientIdentity Identity { get; }

    public DateTimeOffset CreatedAt { get; }

    public DateTimeOffset LastAccess => new(Interlocked.Read(ref _lastAccessTicks), TimeSpan.Zero);

    public DateTimeOffset? LastDataTime => Interlocked.Read(ref _lastDataTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    public long BytesServed => Interlocked.Read(ref _bytesServed);

    public long SegmentsServed => Interlocked.Read(ref _segmentsServed);

    public int OpenResponses => Volatile.Read(ref _openResponses);

    /// <summary>Connected as the reference reports it: registered and not yet disconnected.</summary>
    public bool IsConnected { get; set; } = true;

    /// <summary>
    /// How long this client may go without a request before it is dropped, when longer than
    /// <c>CLIENT_TIMEOUT</c>: an HLS player with segments buffered requests only every few seconds.
    /// </summary>
    public TimeSpan IdleTimeout { get; set; }

    public void Touch(DateTimeOffset now) => Interlocked.Exchange(ref _lastAccessTicks, now.UtcTicks);

    public void AddBytes(long count, DateTimeOffset now)
    {
        Interlocked.Add(ref _bytesServed, count);
        Interlocked.Exchange(ref _lastDataTicks, now.UtcTicks);
        Interlocked.Exchange(ref _lastAccessTicks, now.UtcTicks);
    }

    public void AddSegment() => Interlocked.Increment(ref _segmentsServed);

    public void ResponseOpened() => Interlocked.Increment(ref _openResponses);

    public void ResponseClosed() => Interlocked.Decrement(ref _openResponses);
}
