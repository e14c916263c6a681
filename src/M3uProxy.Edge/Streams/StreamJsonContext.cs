using System.Text.Json.Serialization;

namespace M3uProxy.Edge.Streams;

/// <summary>Source-generated JSON for the shareable part of a stream (what the cluster stores).</summary>
// Metadata only (as EdgeJsonContext): written and read through the same metadata, the same JSON as the fast path.
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(SharedStream))]
internal sealed partial class StreamJsonContext : JsonSerializerContext;
