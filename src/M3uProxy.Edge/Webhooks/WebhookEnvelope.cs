using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using M3uProxy.Edge.Api;
using M3uProxy.Edge.Events;
using M3uProxy.Edge.Upstream;

namespace M3uProxy.Edge.Webhooks;

/// <summary>
/// The JSON body of a delivery: the reference's envelope (seed-spec §11.2) with <c>data</c> as
/// published. With <c>MASK_URLS=true</c>, URL-valued data keys have their credentials masked.
/// </summary>
internal static class WebhookEnvelope
{
    private static readonly JsonWriterOptions _options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // The data keys that carry upstream URLs (seed-spec §11.3).
    private static readonly HashSet<string> _urlKeys = new(StringComparer.Ordinal)
    {
        "primary_url", "failover_urls", "old_url", "new_url", "url", "current_url",
    };

    public static byte[] Serialize(ProxyEvent proxyEvent, bool maskUrls)
    {
        using var buffer = new MemoryStream(512);
        using (var writer = new Utf8JsonWriter(buffer, _options))
        {
            writer.WriteStartObject();
            writer.WriteString("event_id", proxyEvent.EventId.ToString("D"));
            writer.WriteString("event_type", proxyEvent.Type.ToWire());
            writer.WriteString("stream_id", proxyEvent.StreamId);
            writer.WriteString("timestamp", Timestamps.Naive(proxyEvent.Timestamp));
            writer.WritePropertyName("data");
            // Several webhooks serialize the same event; JsonObject promises no thread safety, even for reads.
            lock (proxyEvent.Data)
            {
                WriteData(writer, proxyEvent.Data, maskUrls);
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void WriteData(Utf8JsonWriter writer, JsonObject data, bool maskUrls)
    {
        if (!maskUrls)
        {
            // Published data objects are never changed after publishing; writing only reads them.
            data.WriteTo(writer);
            return;
        }

        writer.WriteStartObject();
        foreach (var (key, value) in data)
        {
            writer.WritePropertyName(key);
            var written = _urlKeys.Contains(key) ? MaskedNode(value) : value;
            if (written is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                written.WriteTo(writer);
            }
        }

        writer.WriteEndObject();
    }

    private static JsonNode? MaskedNode(JsonNode? value) => value switch
    {
        JsonArray array => new JsonArray([.. array.Select(MaskedNode)]),
        JsonValue text when text.TryGetValue<string>(out var url) => JsonValue.Create(UrlMasking.Mask(url)),
        _ => value?.DeepClone(),
    };
}
