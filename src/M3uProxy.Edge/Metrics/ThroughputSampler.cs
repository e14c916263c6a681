namespace M3uProxy.Edge.Metrics;

/// <summary>
/// Samples the bytes-served counter every few seconds on the injected clock, so the stats can
/// show the current rate (bytes per second over the last window) next to the average.
/// </summary>
internal sealed class ThroughputSampler : PeriodicSampler
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(5);

    private readonly MetricsCollector _collector;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private (DateTimeOffset At, double Bytes) _previous;
    private double _bytesPerSecond;

    public ThroughputSampler(MetricsCollector collector, TimeProvider time)
        : base(Window, time)
    {
        _collector = collector;
        _time = time;
        _previous = (time.GetUtcNow(), 0);
    }

    /// <summary>Bytes per second sent to clients over the last complete window.</summary>
    public double BytesPerSecond
    {
        get
        {
            lock (_gate)
            {
                return _bytesPerSecond;
            }
        }
    }

    /// <summary>Takes a sample now (the timer calls it every window).</summary>
    public override void Sample()
    {
        var now = _time.GetUtcNow();
        var bytes = _collector.Total(ProxyMetrics.BytesServedName);
        lock (_gate)
        {
            var seconds = (now - _previous.At).TotalSeconds;
            if (seconds > 0)
            {
                _bytesPerSecond = Math.Round((bytes - _previous.Bytes) / seconds, 1);
                _previous = (now, bytes);
            }
        }
    }
}
