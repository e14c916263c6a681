using System.Collections.Concurrent;

namespace M3uProxy.Edge.Streams;

/// <summary>
/// A registered stream: its definition, counters and clients. Counters are updated with
/// <see cref="Interlocked"/> so the streaming path never takes a lock for them.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The lifetime source has no timer; it is cancelled, never disposed, so late readers of its token cannot fail.")]
internal sealed class StreamRecord
{
    private readonly ConcurrentDictionary<string, byte> _clientIds = new(StringComparer.Ordinal);
    private StreamDefinition _definition;
    private readonly CancellationTokenSource _lifetime = new();
    private long _lastAccessTicks;
    private long _totalBytesServed;
    private long _totalSegmentsServed;
    private long _errorCount;
    private int _stoppedEmitted;

    public StreamRecord(StreamDefinition definition, DateTimeOffset now)
    {
        _definition = definition;
        CreatedAt = now;
        _lastAccessTicks = now.UtcTicks;
    }

    public string Id => _definition.Id;

    public StreamDefinition Definition => Volatile.Read(ref _definition);

    public DateTimeOffset CreatedAt { get; }

    public DateTimeOffset LastAccess => new(Interlocked.Read(ref _lastAccessTicks), TimeSpan.Zero);

    public long TotalBytesServed => Interlocked.Read(ref _totalBytesServed);

    public long TotalSegmentsServed => Interlocked.Read(ref _totalSegmentsServed);

    public long ErrorCount => Interlocked.Read(ref _errorCount);

    /// <summary>The URL in use when it differs from the definition's (after a failover); null otherwise.</summary>
    public string? CurrentUrl { get; set; }

    /// <summary>-1 until the first failover, then the position in the failover list (seed-spec §4.1).</summary>
    public int CurrentFailoverIndex { get; set; } = -1;

    public int FailoverAttempts { get; set; }

    public DateTimeOffset? LastFailoverTime { get; set; }

    /// <summary>The live source's state while a channel runs; null when none does.</summary>
    public SourceState? SourceState { get; set; }

    /// <summary>Cancelled when the stream is removed, so that every open viewer ends.</summary>
    public CancellationToken Lifetime => _lifetime.Token;

    public int ClientCount => _clientIds.Count;

    public ICollection<string> ClientIds => _clientIds.Keys;

    public void Touch(DateTimeOffset now) => Interlocked.Exchange(ref _lastAccessTicks, now.UtcTicks);

    public void AddBytes(long count) => Interlocked.Add(ref _totalBytesServed, count);

    public void AddSegments(long count) => Interlocked.Add(ref _totalSegmentsServed, count);

    public void AddError() => Interlocked.Increment(ref _errorCount);

    public bool AddClient(string clientId) => _clientIds.TryAdd(clientId, 0);

    public bool RemoveClient(string clientId) => _clientIds.TryRemove(clientId, out _);

    public bool HasClient(string clientId) => _clientIds.ContainsKey(clientId);

    /// <summary>
    /// Claims the right to emit this lifetime's one <c>stream_stopped</c>. True exactly once
    /// until <see cref="BeginLifetime"/> opens the next lifetime.
    /// </summary>
    public bool TryClaimStopped() => Interlocked.Exchange(ref _stoppedEmitted, 1) == 0;

    public bool StoppedEmitted => Volatile.Read(ref _stoppedEmitted) == 1;

    /// <summary>A client joined: a later end of the stream deserves its own <c>stream_stopped</c>.</summary>
    public void BeginLifetime() => Interlocked.Exchange(ref _stoppedEmitted, 0);

    /// <summary>
    /// Replaces the definition of a stream nobody is watching, as the reference's recycle does
    /// (seed-spec §4.3): failover state starts over, counters and creation time stay.
    /// </summary>
    public void Reconfigure(StreamDefinition definition)
    {
        Volatile.Write(ref _definition, definition);
        CurrentUrl = null;
        CurrentFailoverIndex = -1;
        FailoverAttempts = 0;
        LastFailoverTime = null;
    }

    /// <summary>Ends every viewer of the stream. Idempotent; the source is never disposed, so this never throws.</summary>
    public void EndViewers()
    {
        _lifetime.Cancel();
    }
}
