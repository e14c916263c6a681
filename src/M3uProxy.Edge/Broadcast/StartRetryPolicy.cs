namespace M3uProxy.Edge.Broadcast;

/// <summary>
/// The reference's start-retry policy per network (seed-spec §13.1): failed starts are counted
/// within a window; once there are <c>BROADCAST_MAX_START_RETRIES</c> of them, further starts are
/// refused until the cooldown has passed since the last attempt. A success or a stop clears it.
/// </summary>
internal sealed class StartRetryPolicy
{
    private readonly int _maxFailures;
    private readonly TimeSpan _window;
    private readonly TimeSpan _cooldown;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, History> _histories = new(StringComparer.Ordinal);

    public StartRetryPolicy(int maxFailures, TimeSpan window, TimeSpan cooldown, TimeProvider time)
    {
        _maxFailures = maxFailures;
        _window = window;
        _cooldown = cooldown;
        _time = time;
    }

    /// <summary>
    /// Records an attempt and answers null when it may go ahead, else the whole seconds until it may.
    /// A refused attempt does not move the cooldown (a caller that keeps asking is not locked out).
    /// </summary>
    public int? TryBegin(string networkId)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (!_histories.TryGetValue(networkId, out var history))
            {
                history = new History();
                _histories[networkId] = history;
            }

            history.Failures.RemoveAll(failure => now - failure > _window);
            if (_maxFailures > 0 && history.Failures.Count >= _maxFailures && history.LastAttempt is { } last && now - last < _cooldown)
            {
                return Math.Max(1, (int)Math.Ceiling((_cooldown - (now - last)).TotalSeconds));
            }

            history.LastAttempt = now;
            return null;
        }
    }

    public void Failed(string networkId)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (_histories.TryGetValue(networkId, out var history))
            {
                history.Failures.Add(now);
            }
        }
    }

    /// <summary>A successful start or a stop forgets the network's failures.</summary>
    public void Clear(string networkId)
    {
        lock (_gate)
        {
            _histories.Remove(networkId);
        }
    }

    public int FailureCount(string networkId)
    {
        lock (_gate)
        {
            return _histories.TryGetValue(networkId, out var history) ? history.Failures.Count : 0;
        }
    }

    private sealed class History
    {
        public List<DateTimeOffset> Failures { get; } = [];

        public DateTimeOffset? LastAttempt { get; set; }
    }
}
