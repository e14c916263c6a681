using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace M3uProxy.Edge.Broadcast;

/// <summary>The broadcast payloads, source-generated, snake_case like the reference.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, GenerationMode = JsonSourceGenerationMode.Metadata)] // as EdgeJsonContext
[JsonSerializable(typeof(BroadcastStatusResponse))]
[JsonSerializable(typeof(BroadcastListResponse))]
[JsonSerializable(typeof(BroadcastStopResponse))]
[JsonSerializable(typeof(BroadcastCallback))]
internal sealed partial class BroadcastJsonContext : JsonSerializerContext
{
    /// <summary>Like the API context: Python's encoder escapes neither <c>+</c> nor non-ASCII text.</summary>
    public static BroadcastJsonContext Api { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
