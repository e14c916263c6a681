using System.Collections.Concurrent;

namespace M3uProxy.Edge.Streams;

/// <summary>
/// A registered stream in this process: the shareable part (<see cref="SharedStream"/>: the
/// definition and the failover position, replaced as one value) and the process-local rest —
/// lifetime, counters, clients. Counters are updated with <see cref="Interlocked"/> so the
/// streaming path never takes a lock for them.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The lifetime source has no timer; it is cancelled, never disposed, so late readers of its token cannot fail.")]
internal sealed class StreamRecord
{
    private readonly ConcurrentDictionary<string, byte> _clientIds = new(StringComparer.Ordinal);
    private SharedStream _shared;
    private readonly Lock _listenersGate = new();
    private Action? _switched;
    private readonly CancellationTokenSource _lifetime = new();
    private long _lastAccessTicks;
    private long _totalBytesServed;
    private long _totalSegmentsServed;
    private long _errorCount;
    private long _retiredVariantBytes;
    private long _retiredVariantSegments;
    private long _retiredVariantErrors;
    private int _stoppedEmitted;
    private readonly ServedTotals? _totals;

    public StreamRecord(StreamDefinition definition, DateTimeOffset now, ServedTotals? totals = null)
    {
        _shared = new SharedStream(definition, FailoverPosition.Start);
        _totals = totals;
        CreatedAt = now;
        _lastAccessTicks = now.UtcTicks;
    }

    public string Id => Definition.Id;

    /// <summary>The definition and the failover position, read together.</summary>
    public SharedStream Shared => Volatile.Read(ref _shared);

    public StreamDefinition Definition => Shared.Definition;

    /// <summary>Where the stream stands among its sources; replaced only by <c>Failover/StreamSources</c>.</summary>
    public FailoverPosition Failover => Shared.Failover;

    /// <summary>The URL to read now: the one failover or a sticky redirect moved to, else the definition's.</summary>
    public string EffectiveUrl
    {
        get
        {
            var shared = Shared;
            return shared.Failover.CurrentUrl ?? shared.Definition.Url;
        }
    }

    public DateTimeOffset CreatedAt { get; }

    public DateTimeOffset LastAccess => new(Interlocked.Read(ref _lastAccessTicks), TimeSpan.Zero);

    public long TotalBytesServed => Interlocked.Read(ref _totalBytesServed);

    public long TotalSegmentsServed => Interlocked.Read(ref _totalSegmentsServed);

    public long ErrorCount => Interlocked.Read(ref _errorCount);

    /// <summary>Cancelled when the stream is removed, so that every open viewer ends.</summary>
    public CancellationToken Lifetime => _lifetime.Token;

    public int ClientCount => _clientIds.Count;

    public ICollection<string> ClientIds => _clientIds.Keys;

    public void Touch(DateTimeOffset now) => Interlocked.Exchange(ref _lastAccessTicks, now.UtcTicks);

    /// <summary>What this stream's variant playlists served before they were removed (their traffic counts toward it).</summary>
    public (long Bytes, long Segments, long Errors) RetiredVariants
        => (Interlocked.Read(ref _retiredVariantBytes), Interlocked.Read(ref _retiredVariantSegments), Interlocked.Read(ref _retiredVariantErrors));

    public void AddBytes(long count)
    {
        Interlocked.Add(ref _totalBytesServed, count);
        _totals?.AddBytes(count);
    }

    public void AddSegments(long count)
    {
        Interlocked.Add(ref _totalSegmentsServed, count);
        _totals?.AddSegments(count);
    }

    public void AddError()
    {
        Interlocked.Increment(ref _errorCount);
        _totals?.AddError();
    }

    /// <summary>A variant of this stream was removed: keep what it served, so this stream's counters never go down.</summary>
    public void RetireVariant(StreamRecord variant)
    {
        var (bytes, segments, errors) = variant.RetiredVariants;
        Interlocked.Add(ref _retiredVariantBytes, variant.TotalBytesServed + bytes);
        Interlocked.Add(ref _retiredVariantSegments, variant.TotalSegmentsServed + segments);
        Interlocked.Add(ref _retiredVariantErrors, variant.ErrorCount + errors);
    }

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
        SharedStream current, replaced;
        do
        {
            current = Volatile.Read(ref _shared);
            replaced = new SharedStream(definition, current.Failover.Restarted());
        }
        while (Interlocked.CompareExchange(ref _shared, replaced, current) != current);
    }

    /// <summary>
    /// Replaces the failover position if it is still <paramref name="seen"/> (and the definition
    /// did not change meanwhile). Only <c>Failover/StreamSources</c> calls this.
    /// </summary>
    public bool TryReplaceFailover(FailoverPosition seen, FailoverPosition next)
    {
        var current = Volatile.Read(ref _shared);
        return ReferenceEquals(current.Failover, seen)
            && Interlocked.CompareExchange(ref _shared, current with { Failover = next }, current) == current;
    }

    /// <summary>
    /// Takes the failover position another instance of the cluster published when it is newer than
    /// this copy's, or <paramref name="always"/> (the definition was just replaced from the same
    /// entry). Only <c>Coordination/</c> calls this; it tells no listener (the owner switches, not a copy).
    /// </summary>
    public bool AdoptFailover(FailoverPosition published, bool always)
    {
        while (true)
        {
            var current = Volatile.Read(ref _shared);
            if (!always && published.Version <= current.Failover.Version)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _shared, current with { Failover = published }, current) == current)
            {
                return true;
            }
        }
    }

    /// <summary>Listeners told after every advance, so a running channel switches at once.</summary>
    public void AddSwitchListener(Action listener)
    {
        lock (_listenersGate)
        {
            _switched += listener;
        }
    }

    public void RemoveSwitchListener(Action listener)
    {
        lock (_listenersGate)
        {
            _switched -= listener;
        }
    }

    public void NotifySwitched() => Volatile.Read(ref _switched)?.Invoke();

    /// <summary>Ends every viewer of the stream. Idempotent; the source is never disposed, so this never throws.</summary>
    public void EndViewers()
    {
        _lifetime.Cancel();
    }
}
