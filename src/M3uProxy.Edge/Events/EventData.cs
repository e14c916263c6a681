using System.Text.Json.Nodes;
using M3uProxy.Edge.Clients;
using M3uProxy.Edge.Streams;

namespace M3uProxy.Edge.Events;

/// <summary>Builds the <c>data</c> objects of seed-spec §11.3, so every emission site uses the same keys.</summary>
internal static class EventData
{
    public static JsonObject Metadata(IReadOnlyDictionary<string, string> metadata)
    {
        var json = new JsonObject();
        foreach (var (key, value) in metadata)
        {
            json[key] = value;
        }

        return json;
    }

    public static JsonArray Strings(IEnumerable<string> values)
        => new([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);

    public static JsonObject StreamStarted(StreamDefinition definition, string streamType) => new()
    {
        ["primary_url"] = definition.Url,
        ["failover_urls"] = Strings(definition.FailoverUrls),
        ["user_agent"] = definition.UserAgent,
        ["stream_type"] = streamType,
        ["metadata"] = Metadata(definition.Metadata),
    };

    public static JsonObject ClientConnected(ClientRecord client, StreamRecord stream) => new()
    {
        ["client_id"] = client.ClientId,
        ["user_agent"] = client.Identity.UserAgent,
        ["ip_address"] = client.Identity.IpAddress,
        ["username"] = client.Identity.Username,
        ["stream_client_count"] = stream.ClientCount,
        ["metadata"] = Metadata(stream.Definition.Metadata),
    };

    public static JsonObject ClientDisconnected(ClientRecord client, StreamRecord? stream, string? connectionId) => new()
    {
        ["client_id"] = client.ClientId,
        ["connection_id"] = connectionId,
        ["bytes_served"] = client.BytesServed,
        ["segments_served"] = client.SegmentsServed,
        ["metadata"] = Metadata(stream?.Definition.Metadata ?? _emptyMetadata),
    };

    public static JsonObject LastClientLeft(ClientRecord client, StreamRecord stream) => new()
    {
        ["reason"] = "last_client_disconnected",
        ["client_id"] = client.ClientId,
        ["bytes_served"] = client.BytesServed,
        ["metadata"] = Metadata(stream.Definition.Metadata),
    };

    /// <summary><c>stream_stopped</c> data: the reason first, then its extra keys in order, then the metadata.</summary>
    public static JsonObject Stopped(StopReason reason, StreamRecord stream)
    {
        var data = new JsonObject { ["reason"] = reason.Reason };
        foreach (var (key, value) in reason.Extra ?? [])
        {
            data[key] = value?.DeepClone();
        }

        data["metadata"] = Metadata(stream.Definition.Metadata);
        return data;
    }

    private static readonly Dictionary<string, string> _emptyMetadata = [];
}
