using System.Text.Json.Serialization;

namespace M3uProxy.Edge.Streams;

/// <summary>Source-generated JSON for the shareable part of a stream (what the cluster stores).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SharedStream))]
internal sealed partial class StreamJsonContext : JsonSerializerContext;
