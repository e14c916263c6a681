using M3uProxy.Edge.Events;

namespace M3uProxy.Edge.Webhooks;

/// <summary>
/// One registered webhook (seed-spec §11.4): where to POST, which event types, extra headers,
/// the per-attempt timeout, how many retries, and the optional HMAC secret (this proxy only).
/// </summary>
internal sealed record WebhookConfig(
    string Url,
    IReadOnlyList<EventType> Events,
    IReadOnlyDictionary<string, string> Headers,
    int TimeoutSeconds,
    int RetryAttempts,
    string? Secret)
{
    public const int DefaultTimeoutSeconds = 10;
    public const int DefaultRetryAttempts = 3;

    public bool Wants(EventType type) => Events.Contains(type);
}
