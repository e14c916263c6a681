using System.Text.Json.Nodes;
using M3uProxy.Edge.Api.Models;
using M3uProxy.Edge.FanOut;
using M3uProxy.Edge.Lifecycle;
using M3uProxy.Edge.Metrics;
using M3uProxy.Edge.Upstream;

namespace M3uProxy.Edge.Api;

/// <summary>
/// The four objects the reference leaves empty in <c>/stats/detailed</c> and
/// <c>/stats/performance</c>, filled from the same figures <c>/metrics</c> exports (the webhook
/// figures through their gauges, so the API does not reach into the webhook registry).
/// </summary>
internal sealed class OperationalStats
{
    private readonly MetricsCollector _metrics;
    private readonly ThroughputSampler _throughput;
    private readonly StreamLifecycle _lifecycle;
    private readonly UpstreamClient _upstream;
    private readonly LiveChannelRegistry _channels;
    private readonly FanOutMemory _bufferMemory;
    private readonly Uptime _uptime;

    public OperationalStats(MetricsCollector metrics, ThroughputSampler throughput, StreamLifecycle lifecycle, UpstreamClient upstream, LiveChannelRegistry channels, FanOutMemory bufferMemory, Uptime uptime)
    {
        _bufferMemory = bufferMemory;
        _metrics = metrics;
        _throughput = throughput;
        _lifecycle = lifecycle;
        _upstream = upstream;
        _channels = channels;
        _uptime = uptime;
    }

    public JsonObject ConnectionPool(ProxyStats proxy)
    {
        var fanOut = _channels.FanOutSnapshot();
        return new()
        {
            ["active_streams"] = proxy.ActiveStreams,
            ["active_clients"] = proxy.ActiveClients,
            ["upstream_connections"] = _upstream.OpenResponses,
            ["live_channels"] = fanOut.Channels,
            ["live_viewers"] = fanOut.Viewers,
        };
    }

    public JsonObject Failovers()
    {
        var streams = _lifecycle.StreamSnapshot();
        return new()
        {
            ["total_failovers"] = (long)_metrics.Total(ProxyMetrics.FailoversName),
            ["failovers_by_reason"] = ByTag(ProxyMetrics.FailoversName),
            ["streams_failed_over"] = streams.Count(s => s.Failover.Attempts > 0),
            ["current_stream_failover_attempts"] = streams.Sum(s => s.Failover.Attempts),
        };
    }

    public JsonObject Performance(ProxyStats proxy)
    {
        var elapsed = _uptime.Elapsed.TotalSeconds;
        return new()
        {
            ["uptime_seconds"] = proxy.UptimeSeconds,
            ["total_bytes_served"] = proxy.TotalBytesServed,
            ["bytes_served_since_start"] = (long)_metrics.Total(ProxyMetrics.BytesServedName),
            ["bytes_per_second"] = _throughput.BytesPerSecond,
            ["average_bytes_per_second"] = elapsed > 0 ? Math.Round(_metrics.Total(ProxyMetrics.BytesServedName) / elapsed, 1) : 0,
            ["fanout_max_lag_bytes"] = _channels.FanOutSnapshot().MaxLagBytes,
            ["fanout_buffer_bytes"] = _bufferMemory.BytesInUse,
            ["fanout_buffer_limit_bytes"] = _bufferMemory.LimitBytes,
            ["fanout_readers_cut_by_memory_limit"] = _bufferMemory.ReadersCut,
            ["webhook_queue_depth"] = (long)_metrics.Total(ProxyMetrics.WebhookQueueName),
        };
    }

    public JsonObject Errors()
    {
        return new()
        {
            ["stream_errors"] = _lifecycle.StreamSnapshot().Sum(s => s.ErrorCount),
            ["upstream_errors"] = (long)_metrics.Total(ProxyMetrics.UpstreamErrorsName),
            ["upstream_errors_by_kind"] = ByTag(ProxyMetrics.UpstreamErrorsName),
            ["stream_failures_by_reason"] = ByTag(ProxyMetrics.StreamFailuresName),
            ["webhook_failures"] = (long)_metrics.Read(ProxyMetrics.WebhookDeliveriesName).Where(s => s.Tags.Any(t => t.Value == "failed")).Sum(s => s.Value),
            ["webhook_events_dropped"] = (long)_metrics.Total(ProxyMetrics.WebhookDroppedName),
        };
    }

    // A counter's series keyed by their one tag's value (reason, kind).
    private JsonObject ByTag(string instrumentName)
    {
        var result = new JsonObject();
        foreach (var series in _metrics.Read(instrumentName))
        {
            result[series.Tags.Count > 0 ? series.Tags[0].Value : ""] = (long)series.Value;
        }

        return result;
    }
}
