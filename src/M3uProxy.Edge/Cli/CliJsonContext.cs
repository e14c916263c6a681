using System.Text.Json.Serialization;

namespace M3uProxy.Edge.Cli;

/// <summary>
/// The CLI's own JSON, source-generated: its request body. The server's answers are read back
/// through the server's own contract (<see cref="Api.EdgeJsonContext"/>), so the CLI and the API
/// cannot drift apart and the binary carries each model's metadata once. Unknown fields are
/// ignored, missing ones default.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(CreateStreamBody))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
