using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace M3uProxy.Edge.Api.Models;

/// <summary><c>&lt;proxy_stats&gt;</c> (seed-spec §10.3).</summary>
internal sealed record ProxyStats(
    int TotalStreams,
    int ActiveStreams,
    int TotalClients,
    int ActiveClients,
    long TotalBytesServed,
    long TotalSegmentsServed,
    long UptimeSeconds);

/// <summary><c>&lt;stream_stats&gt;</c> (seed-spec §10.2).</summary>
internal sealed record StreamStats(
    string StreamId,
    string OriginalUrl,
    string? CurrentUrl,
    string UserAgent,
    int ClientCount,
    long TotalBytesServed,
    long TotalSegmentsServed,
    long ErrorCount,
    bool IsActive,
    bool HasFailover,
    IReadOnlyList<string> FailoverUrls,
    string? FailoverResolverUrl,
    int CurrentFailoverIndex,
    int FailoverAttempts,
    string? LastFailoverTime,
    string StreamType,
    string CreatedAt,
    string LastAccess,
    IReadOnlyDictionary<string, string> Metadata,
    IReadOnlyDictionary<string, string> Headers,
    string SourceState,
    MediaInfoModel MediaInfo);

/// <summary><c>&lt;client_stats&gt;</c> (seed-spec §10.4).</summary>
internal sealed record ClientStats(
    string ClientId,
    string StreamId,
    string UserAgent,
    string IpAddress,
    string? Username,
    long BytesServed,
    long SegmentsServed,
    string CreatedAt,
    string LastAccess,
    bool IsConnected);

/// <summary><c>GET /stats</c>: proxy stats flattened, then streams and clients.</summary>
internal sealed record FullStatsResponse(
    int TotalStreams,
    int ActiveStreams,
    int TotalClients,
    int ActiveClients,
    long TotalBytesServed,
    long TotalSegmentsServed,
    long UptimeSeconds,
    IReadOnlyList<StreamStats> Streams,
    IReadOnlyList<ClientStats> Clients,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] BitrateHistoryModel? BitrateHistory = null);

/// <summary>
/// <c>bitrate_history</c> of <c>GET /stats?history=true</c> (the dashboard's first load): per
/// stream, the bytes served and read upstream in each interval, oldest first; the newest interval
/// ended <c>last_sample_age_seconds</c> ago.
/// </summary>
internal sealed record BitrateHistoryModel(int IntervalSeconds, double LastSampleAgeSeconds, IReadOnlyList<StreamBitrateModel> Streams);

internal sealed record StreamBitrateModel(string StreamId, IReadOnlyList<long> ServedBytes, IReadOnlyList<long> UpstreamBytes);

internal sealed record StreamStatsListResponse(int TotalStreams, IReadOnlyList<StreamStats> Streams);

internal sealed record ClientListResponse(int TotalClients, IReadOnlyList<ClientStats> Clients);

internal sealed record ClientDetailResponse(ClientStats Client);

/// <summary><c>GET /stats/detailed</c>: the reference's keys, filled with real figures.</summary>
internal sealed record DetailedStatsResponse(
    ProxyStats ProxyStats,
    JsonObject ConnectionPoolStats,
    JsonObject FailoverStats,
    JsonObject PerformanceMetrics,
    JsonObject ErrorStats,
    int StreamCount,
    int ClientCount);

/// <summary><c>GET /stats/performance</c>.</summary>
internal sealed record PerformanceStatsResponse(
    JsonObject ConnectionPool,
    JsonObject PerformanceMetrics,
    JsonObject FailoverStats,
    JsonObject ErrorStats,
    string Timestamp);
