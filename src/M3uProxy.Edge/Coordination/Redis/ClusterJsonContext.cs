using System.Text.Json.Serialization;

namespace M3uProxy.Edge.Coordination.Redis;

/// <summary>Source-generated JSON for what instances report to each other through Redis.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(List<RemoteClient>))]
internal sealed partial class ClusterJsonContext : JsonSerializerContext;
