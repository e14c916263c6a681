using System.Text.Json.Serialization;

namespace M3uProxy.Edge.LoadTests.Report;

/// <summary>Source-generated JSON for the report (no reflection, snake_case like the harness's files).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(RunReport))]
internal sealed partial class LoadJsonContext : JsonSerializerContext;
