namespace M3uProxy.Edge.Cli.Output;

/// <summary>
/// Bandwidth per stream or client for <c>monitor</c>: the bytes served since the previous frame over
/// the time between frames. On the first frame, and for anyone new, the average since it was created.
/// </summary>
internal sealed class BandwidthTracker(TimeProvider time)
{
    private Dictionary<string, long> _previous = new(StringComparer.Ordinal);
    private Dictionary<string, long> _current = new(StringComparer.Ordinal);
    private long _previousTimestamp;
    private bool _hasPrevious;
    private double _elapsedSeconds;
    private DateTimeOffset _now;

    public DateTimeOffset Now => _now;

    public void BeginFrame()
    {
        var timestamp = time.GetTimestamp();
        _elapsedSeconds = _hasPrevious ? time.GetElapsedTime(_previousTimestamp, timestamp).TotalSeconds : 0;
        _previousTimestamp = timestamp;
        _now = time.GetUtcNow();
        _current = new(StringComparer.Ordinal);
    }

    /// <summary>Bytes per second for <paramref name="key"/>, which has served <paramref name="bytes"/> so far.</summary>
    public double Rate(string key, long bytes, string? createdAt)
    {
        _current[key] = bytes;
        if (_elapsedSeconds > 0 && _previous.TryGetValue(key, out var before))
        {
            return Math.Max(bytes - before, 0) / _elapsedSeconds;
        }

        return HumanFormat.TryParseTime(createdAt, out var since) && _now > since
            ? bytes / (_now - since).TotalSeconds
            : 0;
    }

    public void EndFrame()
    {
        _previous = _current;
        _hasPrevious = true;
    }

    /// <summary>After a failed frame: the next one starts from averages again.</summary>
    public void Reset()
    {
        _previous.Clear();
        _hasPrevious = false;
    }
}
