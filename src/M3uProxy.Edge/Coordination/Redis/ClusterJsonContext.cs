using System.Text.Json.Serialization;

namespace M3uProxy.Edge.Coordination.Redis;

/// <summary>Source-generated JSON for what instances report to each other through Redis.</summary>
// Metadata only (as EdgeJsonContext): written and read through the same metadata, the same JSON as the fast path.
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(List<RemoteClient>))]
internal sealed partial class ClusterJsonContext : JsonSerializerContext;
