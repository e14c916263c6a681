namespace M3uProxy.Edge.Metrics;

/// <summary>
/// One time series (an instrument with one set of label values): a running sum or last value,
/// or histogram buckets. Updates are lock-free for sums and values.
/// </summary>
internal sealed class MetricSeries
{
    private double _value;
    private readonly long[]? _bucketCounts;
    private readonly Lock _histogramGate = new();
    private double _sum;
    private long _count;

    public MetricSeries(string labels, IReadOnlyList<KeyValuePair<string, string>> tags, double[]? buckets)
    {
        Labels = labels;
        Tags = tags;
        Buckets = buckets;
        _bucketCounts = buckets is null ? null : new long[buckets.Length];
    }

    /// <summary>The rendered Prometheus label set, <c>{a="b",…}</c> or empty.</summary>
    public string Labels { get; }

    public IReadOnlyList<KeyValuePair<string, string>> Tags { get; }

    public double[]? Buckets { get; }

    public double Value => Volatile.Read(ref _value);

    public void Add(double delta)
    {
        double current, updated;
        do
        {
            current = Volatile.Read(ref _value);
            updated = current + delta;
        }
        while (Interlocked.CompareExchange(ref _value, updated, current) != current);
    }

    public void Set(double value) => Volatile.Write(ref _value, value);

    public void Observe(double value)
    {
        lock (_histogramGate)
        {
            var index = Array.BinarySearch(Buckets!, value);
            index = index < 0 ? ~index : index;
            if (index < _bucketCounts!.Length)
            {
                _bucketCounts[index]++;
            }

            _sum += value;
            _count++;
        }
    }

    /// <summary>Cumulative bucket counts (per upper bound), the sum and the count, read together.</summary>
    public (long[] Cumulative, double Sum, long Count) HistogramSnapshot()
    {
        lock (_histogramGate)
        {
            var cumulative = new long[_bucketCounts!.Length];
            long running = 0;
            for (var i = 0; i < cumulative.Length; i++)
            {
                running += _bucketCounts[i];
                cumulative[i] = running;
            }

            return (cumulative, _sum, _count);
        }
    }
}
