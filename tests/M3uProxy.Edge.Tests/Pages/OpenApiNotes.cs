using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using M3uProxy.Edge.Api;
using M3uProxy.Edge.Broadcast;
using M3uProxy.Edge.Transcoding;
using M3uProxy.Edge.Webhooks;

namespace M3uProxy.Edge.Tests.Pages;

/// <summary>
/// What the OpenAPI document says about each route beyond what <c>Microsoft.AspNetCore.OpenApi</c>
/// reads from the endpoints: a tag, a summary, query parameters the handlers read themselves, and an
/// example body. Every route the app maps needs one (the coverage test says which is missing).
/// </summary>
internal static class OpenApiNotes
{
    private static readonly EdgeJsonContext _api = EdgeJsonContext.Api;
    private static readonly BroadcastJsonContext _broadcast = BroadcastJsonContext.Api;
    private static readonly TranscodeJsonContext _transcode = TranscodeJsonContext.Api;
    private static readonly WebhookJsonContext _webhooks = WebhookJsonContext.Webhooks;

    public static readonly (string Name, string Description)[] Tags =
    [
        ("service", "Is the proxy up, what is it, can it reach a URL."),
        ("streams", "Register upstream URLs (with failover sources and metadata) and manage them; m3u-editor calls these."),
        ("playback", "What players open: no token needed (stream ids are unguessable, HLS child URLs are signed)."),
        ("transcoding", "One shared ffmpeg per output, fed by the stream's own failover bytes."),
        ("broadcast", "Network playout to HLS with seamless programme transitions."),
        ("stats", "Streams, viewers and counters, as the reference reports them."),
        ("webhooks", "Where stream and client events are POSTed."),
        ("operations", "Prometheus metrics, the live dashboard and this reference."),
    ];

    public static readonly IReadOnlyDictionary<string, Note> ByRoute = new Dictionary<string, Note>(StringComparer.Ordinal)
    {
        ["GET /"] = new("service", "Status, version and proxy stats", Response: _api.RootResponse),
        ["GET /livez"] = new("service", "Liveness: always \"ok\" while the process serves; never needs the token"),
        ["GET /health"] = new("service", "Health, root path, uptime, counts and the cluster state", Response: _api.HealthResponse),
        ["GET /info"] = new("service", "Versions (ffmpeg, streamlink, yt-dlp), hardware acceleration, Redis, transcoding profiles and every effective setting (secrets shown as ***)", Response: _api.InfoResponse),
        ["POST /test-connection"] = new("service", "Check that the proxy can reach a URL", Body: new JsonObject { ["url"] = "http://provider.example/live/user/pass/1234.ts" }, Response: _api.TestConnectionResponse),

        ["POST /streams"] = new("streams", "Register a stream (the same URL and settings give the same id)", Body: new JsonObject
        {
            ["url"] = "http://provider.example/live/user/pass/1234.ts",
            ["failover_urls"] = new JsonArray("http://backup.example/live/1234.ts"),
            ["metadata"] = new JsonObject { ["id"] = 42, ["name"] = "News HD" },
        }, Response: _api.CreateStreamResponse),
        ["GET /streams"] = new("streams", "Every stream with its stats", Response: _api.StreamListResponse),
        ["GET /streams/{streamId}"] = new("streams", "One stream with its stats, its viewers and its transcoder", Response: _api.StreamDetailResponse),
        ["DELETE /streams/{streamId}"] = new("streams", "Stop a stream and disconnect its viewers (on every instance)", Response: _api.MessageResponse),
        ["POST /streams/{streamId}/failover"] = new("streams", "Switch a stream to its next source now", Response: _api.FailoverResponse),
        ["GET /streams/by-metadata"] = new("streams", "Streams whose metadata field has a value", Query: [Param("field", true), Param("value", true), Param("active_only", false, "boolean", "only streams with viewers (default true)")], Response: _api.ByMetadataResponse),
        ["GET /streams/counts-by-metadata"] = new("streams", "Viewer counts per metadata value", Query: [Param("field", true), Param("values", true, description: "comma-separated values"), Param("active_only", false, "boolean", "only streams with viewers (default true)")], Response: _api.CountsByMetadataResponse),
        ["DELETE /streams/by-metadata"] = new("streams", "Stop every stream whose metadata field has a value", Query: [Param("field", true), Param("value", true), Param("exclude_channel_id", false)], Response: _api.DeleteByMetadataResponse),
        ["DELETE /streams/oldest-by-metadata"] = new("streams", "Stop the oldest such stream (to free a provider connection)", Query: [Param("field", true), Param("value", true), Param("exclude_channel_id", false), Param("force", false, "boolean", "stop it even while watched (default true)"), Param("client_id", false)], Response: _api.DeleteOldestResponse),

        ["GET /stream/{streamId}"] = new("playback", "The stream's bytes: live channels shared by every viewer, files with ranges", Query: [Param("client_id", false)]),
        ["HEAD /stream/{streamId}"] = new("playback", "The stream's headers without its bytes"),
        ["GET /hls/{streamId}/playlist.m3u8"] = new("playback", "The stream's HLS playlist, rewritten so every child URL comes through the proxy", Query: [Param("client_id", false)]),
        ["GET /hls/{streamId}/segment"] = new("playback", "One HLS segment (signed URLs from the playlist)", Query: [Param("url", true), Param("client_id", true), Param("sig", true)]),
        ["GET /hls/{streamId}/segment.ts"] = new("playback", "One HLS segment (signed URLs from the playlist)", Query: [Param("url", true), Param("client_id", true), Param("sig", true)]),
        ["GET /hls/{streamId}/live/{sequence}.ts"] = new("playback", "A segment of a live MPEG-TS channel packaged as HLS"),
        ["GET /hls/{streamId}/{file}"] = new("playback", "A file of a transcoder's HLS output"),
        ["DELETE /hls/{streamId}/clients/{clientId}"] = new("playback", "Disconnect one HLS viewer"),

        ["POST /transcode"] = new("transcoding", "Register a transcoded stream (ffmpeg starts with the first viewer)", Body: new JsonObject
        {
            ["url"] = "http://provider.example/live/user/pass/1234.ts",
            ["profile"] = "720p",
            ["metadata"] = new JsonObject { ["id"] = 42 },
        }, Response: _transcode.TranscodeResponse),
        ["GET /transcode/profiles"] = new("transcoding", "The profiles, the chosen hardware and the template variables", Response: _transcode.ProfilesResponse),

        ["POST /broadcast/{networkId}/start"] = new("broadcast", "Start (or move on to) a programme of a network", Body: new JsonObject
        {
            ["stream_url"] = "http://media.example/programme.mp4",
            ["segment_duration"] = 6,
            ["callback_url"] = "http://editor.example/api/broadcast-callback",
        }, Response: _broadcast.BroadcastStatusResponse),
        ["POST /broadcast/{networkId}/stop"] = new("broadcast", "Stop a network's playout", Response: _broadcast.BroadcastStopResponse),
        ["GET /broadcast/{networkId}/status"] = new("broadcast", "A network's playout state", Response: _broadcast.BroadcastStatusResponse),
        ["GET /broadcast"] = new("broadcast", "Every network being played out", Response: _broadcast.BroadcastListResponse),
        ["DELETE /broadcast/{networkId}"] = new("broadcast", "Stop a network and delete its files", Response: _api.MessageResponse),
        ["GET /broadcast/{networkId}/live.m3u8"] = new("broadcast", "A network's live playlist"),
        ["GET /broadcast/{networkId}/segment/{fileName}"] = new("broadcast", "A segment of a network's playlist"),

        ["GET /stats"] = new("stats", "Proxy stats, every stream and every viewer", Query: [Param("history", false, "boolean", "adds the streams' recent bitrate (bitrate_history)")], Response: _api.FullStatsResponse),
        ["GET /stats/streams"] = new("stats", "Every stream's stats", Response: _api.StreamStatsListResponse),
        ["GET /stats/clients"] = new("stats", "Every connected viewer", Response: _api.ClientListResponse),
        ["GET /clients"] = new("stats", "Every connected viewer", Response: _api.ClientListResponse),
        ["GET /clients/{clientId}"] = new("stats", "One viewer", Response: _api.ClientDetailResponse),
        ["GET /stats/detailed"] = new("stats", "Proxy stats with connection pool, failover, performance and error figures", Response: _api.DetailedStatsResponse),
        ["GET /stats/performance"] = new("stats", "Connection pool, performance, failover and error figures", Response: _api.PerformanceStatsResponse),

        ["POST /webhooks"] = new("webhooks", "Add (or update) a webhook", Body: new JsonObject
        {
            ["url"] = "http://editor.example/api/m3u-proxy/webhook",
            ["events"] = new JsonArray("stream_started", "stream_stopped", "client_connected", "client_disconnected", "failover_triggered", "stream_failed"),
        }, Response: _webhooks.WebhookAddedResponse),
        ["GET /webhooks"] = new("webhooks", "Every webhook", Response: _webhooks.WebhookListResponse),
        ["DELETE /webhooks"] = new("webhooks", "Remove a webhook", Query: [Param("webhook_url", true)]),
        ["POST /webhooks/test"] = new("webhooks", "Send a test event to a webhook", Query: [Param("webhook_url", true)], Response: _webhooks.WebhookTestResponse),

        ["GET /metrics"] = new("operations", "Prometheus metrics (build, process, runtime, streams, upstreams per provider, fan-out, webhooks)"),
        ["GET /dashboard"] = new("operations", "The live dashboard (in a browser: ?api_token= when API_TOKEN is set)"),
        ["GET /docs"] = new("operations", "This API reference as a page; never needs the token"),
        ["GET /openapi.json"] = new("operations", "This API reference as OpenAPI; never needs the token"),
        ["GET /cluster/relay/{streamId}"] = new("operations", "Between instances of a cluster only (header X-Cluster-Secret): the owner's bytes of a live channel, relayed to another instance"),
        ["GET /cluster/hls/{streamId}/playlist.m3u8"] = new("operations", "Between instances of a cluster only (header X-Cluster-Secret): an HLS stream's playlist (or a variant's, by its url) from the instance that owns it (fetched upstream once for the cluster)", Query: [Param("url", false)]),
        ["GET /cluster/hls/{streamId}/segment.ts"] = new("operations", "Between instances of a cluster only (header X-Cluster-Secret): a segment of an HLS stream from the instance that owns it", Query: [Param("url", true)]),
        ["GET /cluster/hls/{streamId}/{file}"] = new("operations", "Between instances of a cluster only (header X-Cluster-Secret): a file of an HLS-output transcode from the instance that runs its ffmpeg"),
        ["POST /cluster/failover/{streamId}"] = new("operations", "Between instances of a cluster only (header X-Cluster-Secret): a manual failover asked at another instance, run by the channel's owner"),
    };

    private static QueryParameter Param(string name, bool required, string type = "string", string? description = null) => new(name, required, type, description);

    internal sealed record QueryParameter(string Name, bool Required, string Type, string? Description);

    // Response: the 200 answer's JSON contract, the source-generated type info the handler writes with.
    internal sealed record Note(string Tag, string Summary, QueryParameter[]? Query = null, JsonObject? Body = null, JsonTypeInfo? Response = null);
}
