using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using M3uProxy.Edge.Api.Models;

namespace M3uProxy.Edge.Api;

/// <summary>Every JSON payload the proxy writes, source-generated; snake_case like the reference.</summary>
// Metadata only: System.Text.Json writes through a context's generated fast-path serializers only
// with the default encoder, so with Api's relaxed one they were never called, only compiled into
// the binary (docs/performance.md, "Size per feature"). Every context here is generated this way.
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(DetailResponse))]
[JsonSerializable(typeof(ValidationErrorResponse))]
[JsonSerializable(typeof(MessageResponse))]
[JsonSerializable(typeof(RootResponse))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(InfoResponse))]
[JsonSerializable(typeof(TestConnectionResponse))]
[JsonSerializable(typeof(CreateStreamResponse))]
[JsonSerializable(typeof(StreamListResponse))]
[JsonSerializable(typeof(StreamDetailResponse))]
[JsonSerializable(typeof(ByMetadataResponse))]
[JsonSerializable(typeof(CountsByMetadataResponse))]
[JsonSerializable(typeof(DeleteByMetadataResponse))]
[JsonSerializable(typeof(DeleteOldestResponse))]
[JsonSerializable(typeof(FailoverResponse))]
[JsonSerializable(typeof(FullStatsResponse))]
[JsonSerializable(typeof(StreamStatsListResponse))]
[JsonSerializable(typeof(ClientListResponse))]
[JsonSerializable(typeof(ClientDetailResponse))]
[JsonSerializable(typeof(DetailedStatsResponse))]
[JsonSerializable(typeof(PerformanceStatsResponse))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class EdgeJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The context every response uses. Like Python's JSON encoder it does not escape <c>+</c>,
    /// <c>&amp;</c> or non-ASCII text (the payloads are JSON API answers, never embedded in HTML).
    /// </summary>
    public static EdgeJsonContext Api { get; } = new(CreateOptions());

    /// <summary>The options of every answer; a feature with its own context (Webhooks) builds it on these.</summary>
    public static JsonSerializerOptions CreateOptions() => new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
