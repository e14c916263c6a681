using System.Text.Json.Serialization;
using M3uProxy.Edge.Api.Models;

namespace M3uProxy.Edge.Cli;

/// <summary>
/// The CLI's JSON, source-generated: its request body, and the server's own response models read
/// back (so the CLI and the API cannot drift apart). Unknown fields are ignored, missing ones default.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CreateStreamBody))]
[JsonSerializable(typeof(CreateStreamResponse))]
[JsonSerializable(typeof(StreamListResponse))]
[JsonSerializable(typeof(StreamDetailResponse))]
[JsonSerializable(typeof(MessageResponse))]
[JsonSerializable(typeof(FailoverResponse))]
[JsonSerializable(typeof(FullStatsResponse))]
[JsonSerializable(typeof(HealthResponse))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
