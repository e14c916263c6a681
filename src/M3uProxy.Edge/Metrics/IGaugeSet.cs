namespace M3uProxy.Edge.Metrics;

/// <summary>
/// Observable gauges over one feature's live state, created on <see cref="ProxyMetrics.Meter"/> by
/// the feature that owns the state (registered as an <see cref="IGaugeSet"/> in its <c>AddX()</c>).
/// <see cref="MetricsCollector"/> takes every one, so their instruments exist before it listens.
/// </summary>
internal interface IGaugeSet;
