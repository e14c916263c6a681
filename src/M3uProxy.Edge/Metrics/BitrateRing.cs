namespace M3uProxy.Edge.Metrics;

/// <summary>
/// One stream's recent traffic: a fixed number of samples of bytes served and bytes read upstream,
/// the oldest overwritten by the newest. Two arrays made once; adding a sample allocates nothing.
/// Not thread-safe: <see cref="StreamBitrateHistory"/> guards it.
/// </summary>
internal sealed class BitrateRing
{
    private readonly long[] _served;
    private readonly long[] _upstream;
    private int _next;
    private int _count;

    public BitrateRing(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _served = new long[capacity];
        _upstream = new long[capacity];
    }

    public int Capacity => _served.Length;

    /// <summary>Samples held: grows to <see cref="Capacity"/>, then stays there.</summary>
    public int Count => _count;

    public void Add(long servedBytes, long upstreamBytes)
    {
        _served[_next] = servedBytes;
        _upstream[_next] = upstreamBytes;
        _next = (_next + 1) % _served.Length;
        _count = Math.Min(_count + 1, _served.Length);
    }

    /// <summary>The samples held, oldest first.</summary>
    public (long[] Served, long[] Upstream) ToArrays()
    {
        var served = new long[_count];
        var upstream = new long[_count];
        var start = (_next - _count + _served.Length) % _served.Length;
        for (var i = 0; i < _count; i++)
        {
            var at = (start + i) % _served.Length;
            served[i] = _served[at];
            upstream[i] = _upstream[at];
        }

        return (served, upstream);
    }
}
