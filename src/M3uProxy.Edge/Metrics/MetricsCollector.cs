using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;

namespace M3uProxy.Edge.Metrics;

/// <summary>
/// Collects this app's measurements with a <see cref="MeterListener"/> — the proxy's own meter and
/// ASP.NET Core's hosting meter (request durations), both from this host's
/// <see cref="IMeterFactory"/> — and renders them for <c>GET /metrics</c>. A few hundred lines
/// instead of an exporter package: no reflection, nothing to trim, nothing to configure.
/// </summary>
internal sealed class MetricsCollector : IDisposable
{
    private static readonly HashSet<string> _meters = new(StringComparer.Ordinal) { ProxyMetrics.MeterName, "Microsoft.AspNetCore.Hosting" };

    /// <summary>The runtime's own meter (.NET 9+): GC, thread pool, exceptions, CPU and working set. One per process, not per host.</summary>
    private const string RuntimeMeter = "System.Runtime";

    private readonly IMeterFactory _factory;
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, InstrumentState> _instruments = new();
    private readonly Lock _collectGate = new();

    public MetricsCollector(IMeterFactory factory, ProxyMetrics metrics, IEnumerable<IGaugeSet> gauges)
    {
        // The metrics and every feature's gauges are parameters so that their instruments exist before listening starts.
        _ = metrics;
        _ = gauges;
        _factory = factory;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // The listener sees every meter of the process; only this host's are ours.
            if ((ReferenceEquals(instrument.Meter.Scope, _factory) && _meters.Contains(instrument.Meter.Name))
                || (instrument.Meter.Scope is null && instrument.Meter.Name == RuntimeMeter))
            {
                listener.EnableMeasurementEvents(instrument, _instruments.GetOrAdd(instrument, i => new InstrumentState(i)));
            }
        };
        _listener.MeasurementsCompleted = (instrument, _) => _instruments.TryRemove(instrument, out InstrumentState? _);
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.Start();
        metrics.AddKnownSeries();
    }

    /// <summary>Reads the observable instruments, then renders every instrument.</summary>
    public string Render()
    {
        var output = new StringBuilder(4096);
        lock (_collectGate)
        {
            Observe();
            foreach (var state in _instruments.Values.OrderBy(s => s.Name, StringComparer.Ordinal))
            {
                PrometheusText.Write(output, state);
            }
        }

        return output.ToString();
    }

    /// <summary>The current series of one instrument (by its instrument name), for the JSON stats.</summary>
    public IReadOnlyList<MetricSeries> Read(string instrumentName)
    {
        lock (_collectGate)
        {
            var state = _instruments.Values.FirstOrDefault(s => s.Instrument.Name == instrumentName);
            if (state is null)
            {
                return [];
            }

            if (state.IsObservable)
            {
                Observe();
            }

            return [.. state.Series];
        }
    }

    /// <summary>The sum over all series of a counter (0 when nothing was counted).</summary>
    public double Total(string instrumentName) => Read(instrumentName).Sum(s => s.Value);

    private void Observe()
    {
        foreach (var state in _instruments.Values.Where(s => s.IsObservable))
        {
            state.ClearObserved();
        }

        _listener.RecordObservableInstruments();
    }

    public void Dispose() => _listener.Dispose();
}
