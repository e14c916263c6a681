using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace M3uProxy.Edge.Metrics;

/// <summary>What the collector keeps for one instrument: its kind and its series by label set.</summary>
internal sealed class InstrumentState
{
    // Prometheus' default buckets, stretched for request durations (streams last long).
    private static readonly double[] _defaultBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600];

    // Room for the raw tags of one measurement on the stack; larger tag sets take the slow path.
    private const int RawTagsCapacity = 256;

    private readonly ConcurrentDictionary<string, MetricSeries> _series = new(StringComparer.Ordinal);

    // The series by the tags' raw text as the instrument passes them (unsorted, unescaped), so a
    // measurement of a known label set — every HTTP request records one — allocates nothing.
    private readonly ConcurrentDictionary<string, MetricSeries> _byRawTags = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, MetricSeries>.AlternateLookup<ReadOnlySpan<char>> _byRawTagsLookup;
    private MetricSeries? _untagged;

    public InstrumentState(Instrument instrument)
    {
        Instrument = instrument;
        Kind = instrument switch
        {
            Counter<long> or Counter<int> or Counter<double> or ObservableCounter<long> or ObservableCounter<int> or ObservableCounter<double> => MetricKind.Counter,
            Histogram<long> or Histogram<int> or Histogram<double> => MetricKind.Histogram,
            _ => MetricKind.Gauge,
        };
        IsObservable = instrument.IsObservable;
        Name = PrometheusText.MetricName(instrument, Kind);
        _byRawTagsLookup = _byRawTags.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public Instrument Instrument { get; }

    public MetricKind Kind { get; }

    public bool IsObservable { get; }

    public string Name { get; }

    public IEnumerable<MetricSeries> Series => _series.Values.OrderBy(s => s.Labels, StringComparer.Ordinal);

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var series = tags.IsEmpty ? Untagged() : Tagged(tags);
        if (IsObservable)
        {
            series.Set(value);
        }
        else if (Kind == MetricKind.Histogram)
        {
            series.Observe(value);
        }
        else
        {
            series.Add(value);
        }
    }

    /// <summary>Observable instruments report every series afresh on each collection.</summary>
    public void ClearObserved()
    {
        _series.Clear();
        _byRawTags.Clear();
        _untagged = null;
    }

    private MetricSeries Untagged()
        => Volatile.Read(ref _untagged) ?? (_untagged = _series.GetOrAdd("", _ => new MetricSeries("", [], Buckets())));

    private MetricSeries Tagged(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        Span<char> raw = stackalloc char[RawTagsCapacity];
        var rawLength = RawTags.TryFormat(tags, raw);
        if (rawLength > 0 && _byRawTagsLookup.TryGetValue(raw[..rawLength], out var known))
        {
            return known;
        }

        var series = Labelled(tags);
        if (rawLength > 0)
        {
            _byRawTags.TryAdd(new string(raw[..rawLength]), series);
        }

        return series;
    }

    private MetricSeries Labelled(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var pairs = new List<KeyValuePair<string, string>>(tags.Length);
        foreach (var (key, value) in tags)
        {
            pairs.Add(new(key, Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""));
        }

        pairs.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        var labels = new StringBuilder("{");
        foreach (var (key, value) in pairs)
        {
            if (labels.Length > 1)
            {
                labels.Append(',');
            }

            labels.Append(PrometheusText.Sanitize(key)).Append("=\"").Append(PrometheusText.EscapeLabel(value)).Append('"');
        }

        var text = labels.Append('}').ToString();
        return _series.GetOrAdd(text, _ => new MetricSeries(text, pairs, Buckets()));
    }

    private double[]? Buckets() => Kind == MetricKind.Histogram ? _defaultBuckets : null;
}

internal enum MetricKind
{
    Counter,
    Gauge,
    Histogram,
}
