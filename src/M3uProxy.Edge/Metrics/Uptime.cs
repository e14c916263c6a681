namespace M3uProxy.Edge.Metrics;

/// <summary>When this process started serving, on the injected clock.</summary>
internal sealed class Uptime
{
    private readonly TimeProvider _time;
    private readonly DateTimeOffset _startedAt;

    public Uptime(TimeProvider time)
    {
        _time = time;
        _startedAt = time.GetUtcNow();
    }

    public DateTimeOffset StartedAt => _startedAt;

    public TimeSpan Elapsed => _time.GetUtcNow() - _startedAt;

    /// <summary>Whole seconds since start (the reference wraps at 24 h; this does not).</summary>
    public long Seconds => (long)Elapsed.TotalSeconds;
}
