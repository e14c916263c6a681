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

    /// <summary>
    /// Records 0 for every label value known in advance, once something listens, so that each
    /// labelled counter is present from the start (a rate() or an alert needs the series before
    /// the first event). The strings are those the emitters use (Failover/, Monitoring/, Upstream/).
    /// </summary>
    public void AddKnownSeries()
    {
        foreach (var reason in KnownFailoverReasons)
        {
            _failovers.Add(0, new KeyValuePair<string, object?>("reason", reason));
        }

        foreach (var kind in KnownUpstreamErrorKinds)
        {
            _upstreamErrors.Add(0, new KeyValuePair<string, object?>("kind", kind));
        }

        foreach (var reason in KnownStreamFailureReasons)
        {
            _streamFailures.Add(0, new KeyValuePair<string, object?>("reason", reason));
        }

        _webhookDeliveries.Add(0, new KeyValuePair<string, object?>("outcome", "delivered"));
        _webhookDeliveries.Add(0, new KeyValuePair<string, object?>("outcome", "failed"));
        _bytesServed.Add(0);
    }

    public static readonly string[] KnownFailoverReasons =
    [
        "manual", "connection_error_after_retries", "stream_error_HTTPStatusError_after_retries", "stream_error_ReadError_after_retries",
        "chunk_timeout_after_retries", "live_stream_silent_close", "circuit_breaker_timeout", "circuit_breaker_bad_upstream", "low_bitrate", "silence_detected",
    ];

    public static readonly string[] KnownUpstreamErrorKinds = ["Connect", "Timeout", "Status", "Redirect", "Read", "NotMedia", "chunk_timeout", "closed"];

    public static readonly string[] KnownStreamFailureReasons = ["retries_exhausted", "total_timeout_exceeded", "no_failover_available", "circuit_breaker_timeout"];

    public void BytesServed(long count) => _bytesServed.Add(count);

    public void Failover(string reason) => _failovers.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void UpstreamError(string kind) => _upstreamErrors.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void StreamFailed(string reason) => _streamFailures.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void WebhookDelivery(bool delivered)
        => _webhookDeliveries.Add(1, new KeyValuePair<string, object?>("outcome", delivered ? "delivered" : "failed"));
}
