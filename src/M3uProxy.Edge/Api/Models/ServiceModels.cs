using System.Text.Json.Serialization;

namespace M3uProxy.Edge.Api.Models;

internal sealed record RootResponse(string Status, string Message, string Version, long Uptime, ProxyStats Stats);

internal sealed record HealthResponse(
    string Status,
    string RootPath,
    string Version,
    long UptimeSeconds,
    int ActiveStreams,
    int ActiveClients,
    long TotalBytesServed,
    ProxyStats Stats,
    ClusterHealth Cluster);

/// <summary>This instance in its cluster (this proxy only): whether Redis is on and reachable, and how many instances it sees.</summary>
internal sealed record ClusterHealth(bool RedisEnabled, bool RedisConnected, string WorkerId, int? Instances);

internal sealed record TestConnectionResponse(
    bool Success,
    string Message,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? StatusCode,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error,
    string UrlTested);

/// <summary>The reference's fields, plus every candidate the start-up probe considered and why it was (not) chosen.</summary>
internal sealed record HardwareAccelerationInfo(bool Enabled, string Type, string? Device, IReadOnlyList<string> FfmpegArgs, IReadOnlyList<HardwareCandidateInfo> Candidates);

/// <summary>One hardware encoder the probe considered.</summary>
internal sealed record HardwareCandidateInfo(string Name, bool Chosen, string Reason);

internal sealed record RedisInfo(
    bool Enabled,
    bool PoolingEnabled,
    string? Host,
    int? Port,
    string? Password,
    int? Db,
    int? MaxClientsPerStream,
    int? StreamTimeout,
    string? SharingStrategy,
    bool Connected);

internal sealed record TranscodingInfo(bool Enabled, IReadOnlyDictionary<string, string> Profiles);

internal sealed record ConfigurationInfo(string DefaultUserAgent, int ClientTimeout, int StreamTimeout, int CleanupInterval, int MaxRetries);

internal sealed record WorkerInfo(string WorkerId, int HeartbeatInterval, bool MultiWorkerMode);

/// <summary><c>GET /info</c>: the reference's keys, plus the server build and every effective setting (secrets hidden).</summary>
internal sealed record InfoResponse(
    string Version,
    string Server,
    string? FfmpegVersion,
    string? StreamlinkVersion,
    string? YtdlpVersion,
    HardwareAccelerationInfo HardwareAcceleration,
    RedisInfo Redis,
    TranscodingInfo Transcoding,
    ConfigurationInfo Configuration,
    WorkerInfo Worker,
    IReadOnlyDictionary<string, string?> Settings);
