using System.Diagnostics.Metrics;
using M3uProxy.Edge.Metrics;
using M3uProxy.Edge.Upstream;

namespace M3uProxy.Edge.Webhooks;

/// <summary>Each webhook's queue depth and drops, tagged with its masked URL.</summary>
internal sealed class WebhookGauges : IGaugeSet
{
    public WebhookGauges(ProxyMetrics metrics, WebhookRegistry webhooks)
    {
        var meter = metrics.Meter;
        meter.CreateObservableGauge(ProxyMetrics.WebhookQueueName, () => webhooks.Snapshot().Select(w => new Measurement<int>(w.Pending, Tag(w))), description: "Events waiting for delivery, per webhook.");
        meter.CreateObservableCounter(ProxyMetrics.WebhookDroppedName, () => webhooks.Snapshot().Select(w => new Measurement<long>(w.Dropped, Tag(w))), description: "Events dropped because a webhook's queue was full, per webhook.");
    }

    private static KeyValuePair<string, object?> Tag(WebhookSubscriber webhook) => new("webhook", UrlMasking.Mask(webhook.Config.Url));
}
