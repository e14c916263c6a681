using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace M3uProxy.Edge.Broadcast;

/// <summary>
/// The answer of start and status (seed-spec §13.1): the reference's fields, with <c>hls_dir</c>
/// (relative to the broadcast folder, never a server path) and <c>bytes_written</c> filled in.
/// </summary>
internal sealed record BroadcastStatusResponse(
    string NetworkId,
    string Status,
    long CurrentSegmentNumber,
    string? StartedAt,
    string StreamUrl,
    string? HlsDir,
    int? FfmpegPid,
    string? ErrorMessage,
    long BytesWritten);

/// <summary>One entry of <c>GET /broadcast</c>.</summary>
internal sealed record BroadcastListItem(
    string NetworkId,
    string Status,
    long CurrentSegmentNumber,
    string? StartedAt,
    string StreamUrl,
    int? FfmpegPid,
    JsonObject Metadata,
    long BytesWritten);

internal sealed record BroadcastListResponse(IReadOnlyList<BroadcastListItem> Broadcasts, int Count);

internal sealed record BroadcastStopResponse(string Message, string NetworkId, long FinalSegmentNumber, string Status);

/// <summary>What <c>callback_url</c> receives (seed-spec §13.2, §16).</summary>
internal sealed record BroadcastCallback(
    string NetworkId,
    string Event,
    string Timestamp,
    bool DvrMode,
    string? HlsDir,
    BroadcastCallbackData Data);

internal sealed record BroadcastCallbackData(
    int ExitCode,
    long FinalSegmentNumber,
    double DurationStreamed,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ErrorType);
