using System.Diagnostics.Metrics;

namespace M3uProxy.Edge.Metrics;

/// <summary>
/// The proxy's pushed instruments (counters), on a <see cref="Meter"/> from the host's
/// <see cref="IMeterFactory"/> so that each app instance (and each test host) has its own.
/// Adding to an untagged counter allocates nothing, so the byte counter sits on the copy loops.
/// Gauges that read live state are registered by the feature that owns the state (an
/// <see cref="IGaugeSet"/>); the names every reader shares are here.
/// </summary>
internal sealed class ProxyMetrics
{
    public const string MeterName = "M3uProxy.Edge";
    public const string BytesServedName = "m3u_proxy.served";
    public const string FailoversName = "m3u_proxy.failovers";
    public const string UpstreamErrorsName = "m3u_proxy.upstream.errors";
    public const string StreamFailuresName = "m3u_proxy.stream.failures";
    public const string WebhookDeliveriesName = "m3u_proxy.webhook.deliveries";
    public const string UpstreamConnectionsName = "m3u_proxy.upstream.connections";
    public const string WebhookQueueName = "m3u_proxy.webhook.queue";
    public const string WebhookDroppedName = "m3u_proxy.webhook.dropped";

    private readonly Counter<long> _bytesServed;
    private readonly Counter<long> _failovers;
    private readonly Counter<long> _upstreamErrors;
    private readonly Counter<long> _streamFailures;
    private readonly Counter<long> _webhookDeliveries;

    public ProxyMetrics(IMeterFactory meters)
    {
        Meter = meters.Create(MeterName);
        _bytesServed = Meter.CreateCounter<long>(BytesServedName, "By", "Bytes sent to clients.");
        _failovers = Meter.CreateCounter<long>(FailoversName, description: "Switches to another source, by reason.");
        _upstreamErrors = Meter.CreateCounter<long>(UpstreamErrorsName, description: "Failed upstream connections or reads, by kind.");
        _streamFailures = Meter.CreateCounter<long>(StreamFailuresName, description: "Streams that ran out of sources (stream_failed), by reason.");
        _webhookDeliveries = Meter.CreateCounter<long>(WebhookDeliveriesName, description: "Webhook deliveries, by outcome (delivered, failed).");
    }

    public Meter Meter { get; }

    public void BytesServed(long count) => _bytesServed.Add(count);

    public void Failover(string reason) => _failovers.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void UpstreamError(string kind) => _upstreamErrors.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void StreamFailed(string reason) => _streamFailures.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void WebhookDelivery(bool delivered)
        => _webhookDeliveries.Add(1, new KeyValuePair<string, object?>("outcome", delivered ? "delivered" : "failed"));
}
