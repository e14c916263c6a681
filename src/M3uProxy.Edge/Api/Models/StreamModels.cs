using System.Text.Json.Serialization;

namespace M3uProxy.Edge.Api.Models;

/// <summary><c>POST /streams</c> answer (seed-spec §2.3).</summary>
internal sealed record CreateStreamResponse(
    string StreamId,
    string PrimaryUrl,
    IReadOnlyList<string> FailoverUrls,
    string UserAgent,
    string StreamType,
    string StreamEndpoint,
    string PlaylistUrl,
    string DirectUrl,
    string Message,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string>? Metadata);

internal sealed record StreamListResponse(IReadOnlyList<StreamStats> Streams, int Total);

/// <summary><c>GET /streams/{id}</c>; a transcoded stream adds its transcoder's state and media info.</summary>
internal sealed record StreamDetailResponse(
    StreamStats Stream,
    IReadOnlyList<ClientStats> Clients,
    int ClientCount,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] System.Text.Json.Nodes.JsonObject? Transcoding = null);

internal sealed record MetadataFilter(string Field, string Value);

internal sealed record MatchingStream(
    string StreamId,
    int ClientCount,
    IReadOnlyDictionary<string, string> Metadata,
    string LastAccess,
    bool IsActive,
    string Url,
    string StreamType);

internal sealed record ByMetadataResponse(
    MetadataFilter Filter,
    bool ActiveOnly,
    IReadOnlyList<MatchingStream> MatchingStreams,
    int TotalMatching,
    int TotalClients);

internal sealed record CountsByMetadataResponse(string Field, IReadOnlyDictionary<string, int> Counts);

internal sealed record SkippedStream(
    string StreamId,
    string Reason,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? ActiveClients);

internal sealed record DeleteByMetadataResponse(
    string Message,
    IReadOnlyList<string> DeletedStreams,
    IReadOnlyList<SkippedStream> SkippedStreams,
    int DeletedCount);

internal sealed record DeleteOldestResponse(
    string Message,
    string? DeletedStream,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? StreamAgeSeconds,
    int DeletedCount);

/// <summary><c>POST /streams/{id}/failover</c> answer.</summary>
internal sealed record FailoverResponse(string Message, string NewUrl, int FailoverIndex, int FailoverAttempts, int ActiveClients, string StreamType);
