using System.Text.Json;
using M3uProxy.Edge.Api.Validation;
using M3uProxy.Edge.Events;

namespace M3uProxy.Edge.Webhooks;

/// <summary>
/// The body of <c>POST /webhooks</c> (the reference's <c>WebhookConfig</c>, seed-spec §11.4) plus
/// the optional <c>secret</c>. Unknown fields are ignored.
/// </summary>
internal static class WebhookRequest
{
    private static readonly string _eventChoices = string.Join(", ", EventTypeNames.All.SkipLast(1).Select(t => $"'{t.ToWire()}'"))
        + $" or '{EventTypeNames.All[^1].ToWire()}'";

    /// <summary>Reads every field, collecting all validation errors; null when there are any.</summary>
    public static WebhookConfig? Read(BodyValidator body, string defaultSecret)
    {
        var url = ReadUrl(body);
        var events = ReadEvents(body);
        var headers = ReadHeaders(body);
        var timeout = body.OptionalInt("timeout", minimum: 1);
        var retries = body.OptionalInt("retry_attempts", minimum: 0);
        var secret = body.OptionalString("secret");
        if (body.HasErrors || url is null)
        {
            return null;
        }

        return new WebhookConfig(
            url,
            events ?? EventTypeNames.All,
            headers ?? [],
            timeout ?? WebhookConfig.DefaultTimeoutSeconds,
            retries ?? WebhookConfig.DefaultRetryAttempts,
            string.IsNullOrEmpty(secret) ? NullIfEmpty(defaultSecret) : secret);
    }

    private static string? ReadUrl(BodyValidator body)
    {
        var raw = body.RequiredString("url");
        if (raw is null)
        {
            return null;
        }

        if (WebhookUrl.Normalize(raw) is { } url)
        {
            return url;
        }

        var input = System.Text.Json.Nodes.JsonValue.Create(raw);
        if (Uri.TryCreate(raw.Trim(), UriKind.Absolute, out var parsed) && parsed.Scheme is not ("http" or "https"))
        {
            body.Error("url_scheme", "URL scheme should be 'http' or 'https'", input, "url");
        }
        else
        {
            body.Error("url_parsing", "Input should be a valid URL", input, "url");
        }

        return null;
    }

    private static List<EventType>? ReadEvents(BodyValidator body)
    {
        if (!body.TryGetField("events", out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            body.Error("list_type", "Input should be a valid list", BodyValidator.ToNode(value), "events");
            return null;
        }

        var events = new List<EventType>();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String && EventTypeNames.TryParse(item.GetString()!, out var type))
            {
                if (!events.Contains(type))
                {
                    events.Add(type);
                }
            }
            else
            {
                body.Error("enum", "Input should be " + _eventChoices, BodyValidator.ToNode(item), "events", index);
            }

            index++;
        }

        return events;
    }

    // Header names must be tokens and values single-line: anything else could never be sent.
    private static Dictionary<string, string>? ReadHeaders(BodyValidator body)
    {
        var headers = body.OptionalStringMap("headers");
        foreach (var (name, value) in headers ?? [])
        {
            if (name.Length == 0 || name.Any(c => c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".Contains(c)) || value.Any(c => c is '\r' or '\n' or '\0'))
            {
                body.ValueError("headers", $"Invalid header {name}", System.Text.Json.Nodes.JsonValue.Create(name));
                return null;
            }
        }

        return headers;
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
