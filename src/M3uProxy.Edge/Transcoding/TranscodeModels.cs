using System.Text.Json.Serialization;
using M3uProxy.Edge.Api.Models;

namespace M3uProxy.Edge.Transcoding;

/// <summary><c>POST /transcode</c> answer for an ffmpeg stream (seed-spec §2.4).</summary>
internal sealed record TranscodeResponse(
    string StreamId,
    string PrimaryUrl,
    IReadOnlyList<string> FailoverUrls,
    string UserAgent,
    string StreamType,
    string StreamEndpoint,
    string? PlaylistUrl,
    string DirectUrl,
    string Format,
    string Profile,
    IReadOnlyDictionary<string, string> ProfileVariables,
    IReadOnlyList<string> FfmpegArgs,
    string Message,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string>? Metadata);

/// <summary><c>POST /transcode</c> answer for a streamlink / yt-dlp stream.</summary>
internal sealed record ResolverResponse(
    string StreamId,
    string PrimaryUrl,
    IReadOnlyList<string> FailoverUrls,
    string StreamType,
    string StreamEndpoint,
    string? PlaylistUrl,
    string DirectUrl,
    string Format,
    string Resolver,
    string ResolverArgs,
    string Message,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string>? Metadata);

/// <summary><c>GET /transcode/profiles</c>.</summary>
internal sealed record ProfilesResponse(IReadOnlyList<ProfileInfo> Profiles, HardwareInfo HardwareAcceleration, IReadOnlyDictionary<string, string> DefaultVariables);

internal sealed record ProfileInfo(string Name, string Description, string Parameters);

/// <summary>The reference's <c>{available, type}</c>, plus what was probed and why each candidate was (not) chosen.</summary>
internal sealed record HardwareInfo(bool Available, string Type, string? Device, string Source, IReadOnlyList<HardwareCandidateInfo> Candidates);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, GenerationMode = JsonSourceGenerationMode.Metadata)] // as EdgeJsonContext
[JsonSerializable(typeof(TranscodeResponse))]
[JsonSerializable(typeof(ResolverResponse))]
[JsonSerializable(typeof(ProfilesResponse))]
internal sealed partial class TranscodeJsonContext : JsonSerializerContext
{
    public static TranscodeJsonContext Api { get; } = new(new System.Text.Json.JsonSerializerOptions
    {
        PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
