using System.Text.Json;
using M3uProxy.Edge.Events;

namespace M3uProxy.Edge.Webhooks;

/// <summary>A registration as the cluster shares it (<c>IWebhookDirectory</c>): the whole <see cref="WebhookConfig"/>, events by wire name.</summary>
internal sealed record SharedWebhook(string Url, IReadOnlyList<string> Events, IReadOnlyDictionary<string, string> Headers, int TimeoutSeconds, int RetryAttempts, string? Secret)
{
    public static string Serialize(WebhookConfig config) => JsonSerializer.Serialize(
        new SharedWebhook(config.Url, [.. config.Events.Select(e => e.ToWire())], config.Headers, config.TimeoutSeconds, config.RetryAttempts, config.Secret),
        WebhookJsonContext.Webhooks.SharedWebhook);

    /// <summary>The configuration, or null when the entry is unreadable (written by another version).</summary>
    public static WebhookConfig? Deserialize(string json)
    {
        try
        {
            if (JsonSerializer.Deserialize(json, WebhookJsonContext.Webhooks.SharedWebhook) is not { } shared)
            {
                return null;
            }

            var events = new List<EventType>();
            foreach (var wire in shared.Events)
            {
                if (EventTypeNames.TryParse(wire, out var type))
                {
                    events.Add(type);
                }
            }

            return new WebhookConfig(shared.Url, events, shared.Headers, shared.TimeoutSeconds, shared.RetryAttempts, shared.Secret);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
