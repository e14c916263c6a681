namespace M3uProxy.Edge.Streams;

/// <summary>
/// What every stream has served since the process started: counters, so they never go down when
/// a stream is removed or reaped (the totals of <c>/stats</c> and <c>/health</c> were a sum over the
/// streams still registered).
/// </summary>
internal sealed class ServedTotals
{
    private long _bytes;
    private long _segments;
    private long _errors;

    public long Bytes => Interlocked.Read(ref _bytes);

    public long Segments => Interlocked.Read(ref _segments);

    public long Errors => Interlocked.Read(ref _errors);

    public void AddBytes(long count) => Interlocked.Add(ref _bytes, count);

    public void AddSegments(long count) => Interlocked.Add(ref _segments, count);

    public void AddError() => Interlocked.Increment(ref _errors);
}
