namespace M3uProxy.Edge.Configuration;

/// <summary>
/// Every environment variable the proxy reads: the reference's names and defaults (seed-spec §3),
/// plus the few this proxy adds. This table drives validation at start-up, the effective
/// configuration shown by <c>/info</c>, and a test that keeps <c>docs/configuration.md</c> true.
/// </summary>
internal static class SettingsCatalog
{
    private const string Server = "Server";
    private const string Lifecycle = "Lifecycle and timeouts";
    private const string Upstream = "Upstream HTTP";
    private const string Retry = "Retry and failover";
    private const string Strict = "Strict live TS (Kodi)";
    private const string Monitoring = "Bitrate and silence monitoring";
    private const string Redis = "Redis and multi-instance";
    private const string Transcoding = "Transcoding and resolvers";
    private const string Broadcast = "Network broadcast";
    private const string Limits = "Limits (this proxy only)";
    private const string Continuous = "Continuous streams (this proxy only)";
    private const string Observability = "Webhooks, metrics and logs (this proxy only)";
    private const string Hls = "HLS (this proxy only)";

    private const string TranscodingIssue = "transcoding";

    public static IReadOnlyList<SettingDefinition> All { get; } =
    [
        // Server
        new("HOST", SettingKind.Text, "0.0.0.0", "Address to listen on (`0.0.0.0` all IPv4, `::` all IPv6, or an IP).", Server) { PreferredAliases = ["M3U_PROXY_HOST"] },
        new("PORT", SettingKind.Integer, "8085", "Port to listen on (0 picks a free port).", Server) { PreferredAliases = ["M3U_PROXY_PORT"], Minimum = 0, Maximum = 65535 },
        new("ROOT_PATH", SettingKind.Text, "/m3u-proxy", "Path prefix; every route answers with and without it, and rewritten playlists use it. Empty disables it.", Server),
        new("API_TOKEN", SettingKind.Secret, "", "When set, management routes require it as `X-API-Token` or `?api_token=`.", Server),
        new("LOG_LEVEL", SettingKind.LogLevel, "INFO", "Python (`DEBUG`, `INFO`, `WARNING`, `ERROR`, `CRITICAL`) or .NET (`Trace` … `None`) level name.", Server),
        new("LOG_FORMAT", SettingKind.Choice, "text", "`text` for one line per event, `json` for JSON console lines.", Server) { Choices = ["text", "json"] },
        new("APP_DEBUG", SettingKind.Bool, "false", "Same as `LOG_LEVEL=DEBUG`.", Server),
        new("RELOAD", SettingKind.Bool, "false", "Accepted for compatibility; a native binary does not auto-reload.", Server),
        new("DOCS_URL", SettingKind.Text, "/docs", "Accepted for compatibility and ignored: the API reference page is always at `/docs`, as in the reference.", Server),
        new("REDOC_URL", SettingKind.Text, "/redoc", "Accepted for compatibility; no ReDoc page is served (`/docs` is the API reference page).", Server),
        new("OPENAPI_URL", SettingKind.Text, "/openapi.json", "Accepted for compatibility and ignored: the OpenAPI document is always at `/openapi.json`.", Server),

        // Lifecycle
        new("CLIENT_TIMEOUT", SettingKind.Integer, "10", "Seconds after its last request that a client without an open response is dropped.", Lifecycle) { Minimum = 1, Maximum = 86400 },
        new("STREAM_TIMEOUT", SettingKind.Integer, "60", "Seconds a stream with no clients is kept before it is reaped (`stream_stopped`, reason `inactive_timeout`). The reference uses 15.", Lifecycle) { Minimum = 1, Maximum = 86400 },
        new("CLEANUP_INTERVAL", SettingKind.Integer, "30", "Seconds between reaper sweeps of idle clients and streams.", Lifecycle) { Minimum = 1, Maximum = 3600 },
        new("SHARED_STREAM_GRACE", SettingKind.Integer, "3", "Seconds a transcoder outlives its last viewer (a viewer who comes back within it shares the running ffmpeg).", Lifecycle) { Minimum = 0, Maximum = 3600 },
        new("SHARED_STREAM_TIMEOUT", SettingKind.Integer, "30", "Accepted for compatibility (unused by the reference too).", Lifecycle) { Minimum = 0 },
        new("STREAM_SHARING_STRATEGY", SettingKind.Text, "url_profile", "Accepted for compatibility (unused by the reference too).", Lifecycle),
        new("MAX_CLIENTS_PER_SHARED_STREAM", SettingKind.Integer, "10", "Accepted for compatibility (unused by the reference too).", Lifecycle) { Minimum = 0 },
        new("CHANGE_BUFFER_CHUNKS", SettingKind.Integer, "100", "Accepted for compatibility: a transcoder's viewers share the live fan-out buffer (`LIVE_BUFFER_BYTES`) instead of per-client queues.", Lifecycle) { Minimum = 1, Maximum = 100000 },
        new("HEARTBEAT_INTERVAL", SettingKind.Integer, "30", "Shown in `/info`; with Redis, instances renew their presence and leases every 2 s (10 s expiry) whatever its value.", Lifecycle) { Minimum = 1 },
        new("WORKER_ID", SettingKind.Text, "", "Name of this instance in `/info` and in Redis.", Lifecycle),
        new("ENABLE_CONNECTION_IDLE_MONITORING", SettingKind.Bool, "true", "Log clients that have received no data for long.", Lifecycle),
        new("CONNECTION_IDLE_ALERT_THRESHOLD", SettingKind.Integer, "600", "Seconds without data before a warning is logged for a client.", Lifecycle) { Minimum = 1 },
        new("CONNECTION_IDLE_ERROR_THRESHOLD", SettingKind.Integer, "1800", "Seconds without data before an error is logged for a client.", Lifecycle) { Minimum = 1 },
        new("SHUTDOWN_DRAIN_SECONDS", SettingKind.Number, "10.0", "On SIGTERM: seconds that file downloads (VOD, ranges) may go on before they are cut; live viewers end at once with a clean end of their response. Give the process this plus 5 s before a SIGKILL (`docker stop -t`, `terminationGracePeriodSeconds`).", Lifecycle) { Minimum = 0, Maximum = 3600 },

        // Upstream
        new("DEFAULT_USER_AGENT", SettingKind.Text, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/115.0.0.0 Safari/537.36", "User-Agent sent upstream when a stream names none.", Upstream),
        new("DEFAULT_CONNECTION_TIMEOUT", SettingKind.Number, "10.0", "Seconds to connect to an upstream.", Upstream) { Minimum = 0.1, Maximum = 600 },
        new("DEFAULT_READ_TIMEOUT", SettingKind.Number, "30.0", "Seconds to wait for an upstream's response headers (then 504).", Upstream) { Minimum = 0.1, Maximum = 3600 },
        new("VOD_READ_TIMEOUT", SettingKind.Number, "3600.0", "Seconds to wait for upstream data of a VOD or HLS request.", Upstream) { Minimum = 0.1 },
        new("VOD_WRITE_TIMEOUT", SettingKind.Number, "3600.0", "Accepted for compatibility.", Upstream) { Minimum = 0 },
        new("LIVE_TV_WRITE_TIMEOUT", SettingKind.Number, "1800.0", "Accepted for compatibility.", Upstream) { Minimum = 0 },
        new("DEFAULT_MAX_RETRIES", SettingKind.Integer, "3", "Shown by `/info` as `max_retries`.", Upstream) { Minimum = 0 },
        new("DEFAULT_BACKOFF_FACTOR", SettingKind.Number, "1.5", "Accepted for compatibility (unused by the reference too).", Upstream) { Minimum = 0 },
        new("DEFAULT_HEALTH_CHECK_INTERVAL", SettingKind.Number, "300.0", "Accepted for compatibility (unused by the reference too).", Upstream) { Minimum = 0 },
        new("DEFAULT_RETRY_ATTEMPTS", SettingKind.Integer, "3", "Accepted for compatibility (unused by the reference too).", Upstream) { Minimum = 0 },
        new("DEFAULT_RETRY_DELAY", SettingKind.Integer, "5", "Accepted for compatibility (unused by the reference too).", Upstream) { Minimum = 0 },
        new("TEMP_DIR", SettingKind.Text, "/tmp/m3u-proxy-streams", "Accepted for compatibility (unused by the reference too).", Upstream),
        new("LOG_FILE", SettingKind.Text, "m3u-proxy.log", "Accepted for compatibility; logs go to the console.", Upstream),

        // Retry and failover
        new("STREAM_RETRY_ATTEMPTS", SettingKind.Integer, "3", "Same-URL reconnects before failing over.", Retry) { Minimum = 0, Maximum = 1000 },
        new("STREAM_RETRY_DELAY", SettingKind.Number, "1.0", "Seconds between same-URL reconnects.", Retry) { Minimum = 0, Maximum = 600 },
        new("STREAM_TOTAL_TIMEOUT", SettingKind.Number, "30.0", "Seconds one outage may last across its retries (0 = unlimited). Counted from the first error.", Retry) { Minimum = 0 },
        new("STREAM_RETRY_EXPONENTIAL_BACKOFF", SettingKind.Bool, "false", "Multiply the retry delay by 1.5 per attempt.", Retry),
        new("LIVE_CHUNK_TIMEOUT_SECONDS", SettingKind.Number, "15.0", "Seconds without upstream data before a stream counts as stalled (0 disables).", Retry) { Minimum = 0 },
        new("STREAM_YOUNG_CONNECTION_SECONDS", SettingKind.Number, "10.0", "A connection that ends (drop, reset, stall, end of body) before this many seconds of data is young: with failover URLs the stream fails over at once instead of retrying the same URL (0 = never young).", Retry) { Minimum = 0, Maximum = 3600 },
        new("STREAM_STALL_FAILOVER_SECONDS", SettingKind.Number, "3.0", "On a live stream with failover URLs (or a resolver), seconds without data, once data has flowed, after which the stream fails over at once instead of waiting `LIVE_CHUNK_TIMEOUT_SECONDS` and retrying the same URL (0 = no shortcut). The first bytes of a connection are still awaited for `LIVE_CHUNK_TIMEOUT_SECONDS`.", Retry) { Minimum = 0, Maximum = 3600 },
        new("STREAM_KEEPALIVE_SECONDS", SettingKind.Number, "30.0", "While a live upstream is quiet (stall, reconnect, failover), viewers get a repeated PAT/PMT every half second for at most this many seconds (0 disables).", Retry) { Minimum = 0, Maximum = 3600 },
        new("MAX_FAILOVER_ATTEMPTS", SettingKind.Integer, "0", "Failovers per outage; 0 = one round of the failover list.", Retry) { Minimum = 0 },
        new("USE_STICKY_SESSION", SettingKind.Bool, "false", "Default for per-stream `use_sticky_session`: stay on the backend a redirect led to.", Retry),

        // Strict live TS
        new("STRICT_LIVE_TS", SettingKind.Bool, "false", "Default for per-stream `strict_live_ts`.", Strict),
        new("STRICT_LIVE_TS_PREBUFFER_SIZE", SettingKind.Integer, "262144", "Bytes buffered before a strict-mode viewer gets its first byte.", Strict) { Minimum = 0, Maximum = 64L * 1024 * 1024 },
        new("STRICT_LIVE_TS_CIRCUIT_BREAKER_TIMEOUT", SettingKind.Integer, "2", "Seconds without data before the strict-mode circuit breaker opens.", Strict) { Minimum = 1 },
        new("STRICT_LIVE_TS_CIRCUIT_BREAKER_COOLDOWN", SettingKind.Integer, "60", "Seconds an upstream stays marked bad after the breaker opened.", Strict) { Minimum = 0 },
        new("STRICT_LIVE_TS_PREBUFFER_TIMEOUT", SettingKind.Integer, "10", "Upper bound in seconds on the strict-mode pre-buffer.", Strict) { Minimum = 0 },

        // Monitoring
        new("ENABLE_BITRATE_MONITORING", SettingKind.Bool, "false", "Fail over when the upstream bitrate stays low.", Monitoring),
        new("MIN_BITRATE_THRESHOLD", SettingKind.Integer, "62500", "Bytes per second below which a window counts as low.", Monitoring) { Minimum = 0 },
        new("BITRATE_CHECK_INTERVAL", SettingKind.Number, "5.0", "Seconds per bitrate window.", Monitoring) { Minimum = 0.1 },
        new("BITRATE_FAILOVER_THRESHOLD", SettingKind.Integer, "3", "Consecutive low windows that trigger a failover.", Monitoring) { Minimum = 1 },
        new("BITRATE_MONITORING_GRACE_PERIOD", SettingKind.Number, "10.0", "Seconds after a (re)connect before bitrate is judged.", Monitoring) { Minimum = 0 },
        new("ENABLE_SILENCE_DETECTION", SettingKind.Bool, "false", "Default for per-stream `enable_silence_detection`.", Monitoring),
        new("SILENCE_THRESHOLD_DB", SettingKind.Number, "-50.0", "Audio level in dB under which audio counts as silent.", Monitoring) { Minimum = -200, Maximum = 0 },
        new("SILENCE_DURATION", SettingKind.Number, "3.0", "Seconds of silence that make a window silent.", Monitoring) { Minimum = 0.1 },
        new("SILENCE_CHECK_INTERVAL", SettingKind.Number, "10.0", "Seconds per silence window.", Monitoring) { Minimum = 0.1 },
        new("SILENCE_FAILOVER_THRESHOLD", SettingKind.Integer, "3", "Consecutive silent windows that trigger a failover.", Monitoring) { Minimum = 1 },
        new("SILENCE_MONITORING_GRACE_PERIOD", SettingKind.Number, "15.0", "Seconds after a (re)connect before silence is judged.", Monitoring) { Minimum = 0 },

        // Redis
        new("REDIS_ENABLED", SettingKind.Bool, "false", "Coordinate several instances through Redis: every stream visible on every instance ([cluster.md](cluster.md)).", Redis),
        new("ENABLE_TRANSCODING_POOLING", SettingKind.Bool, "true", "Share one transcoder between the clients of a transcoded stream.", Redis),
        new("REDIS_HOST", SettingKind.Text, "localhost", "Redis host.", Redis),
        new("REDIS_SERVER_PORT", SettingKind.Integer, "6379", "Redis port.", Redis) { Minimum = 1, Maximum = 65535 },
        new("REDIS_DB", SettingKind.Integer, "0", "Redis database number.", Redis) { Minimum = 0, Maximum = 65535 },
        new("REDIS_PASSWORD", SettingKind.Secret, "", "Redis password (the reference falls back to `API_TOKEN`; this proxy does not).", Redis),
        new("REDIS_URL", SettingKind.Secret, "", "Full Redis URL (`redis://[:password@]host[:port][/db]`, `rediss://` for TLS); overrides host, port, db and password.", Redis),
        new("CLUSTER_ADVERTISE_URL", SettingKind.Text, "", "Base URL the other instances reach this one at (empty: `http://HOST:PORT`, with this machine's name when HOST listens on every address).", Redis),
        new("PROVIDER_MAX_CONNECTIONS", SettingKind.Integer, "0", "Most upstream connections of live channels per provider at once (0: no limit); counted as leases that end with their channel or instance.", Redis) { Minimum = 0, Maximum = 100000 },
        new("PROVIDER_LIMITS", SettingKind.Text, "", "Per-provider limits over `PROVIDER_MAX_CONNECTIONS`: `provider=n,provider=n` (a provider is a host:port, or the value of `PROVIDER_KEY_FIELD`).", Redis),
        new("PROVIDER_KEY_FIELD", SettingKind.Text, "", "Metadata field that names a stream's provider (e.g. `provider_profile_id`); empty or absent: the upstream's host:port.", Redis),
        new("PROVIDER_LIMIT_POLICY", SettingKind.Choice, "preempt", "At the limit: `preempt` stops the oldest lowest-`priority` stream of that provider (`stream_stopped`, reason `provider_limit_preempted`), `refuse` answers 503.", Redis) { Choices = ["preempt", "refuse"] },
        new("CLUSTER_SECRET", SettingKind.Secret, "", "Authenticates calls between instances (empty: one secret generated and shared through Redis).", Redis),

        // Transcoding
        new("STREAMLINK_ENABLED", SettingKind.Bool, "true", "Allow the streamlink resolver.", Transcoding),
        new("YTDLP_ENABLED", SettingKind.Bool, "true", "Allow the yt-dlp resolver.", Transcoding),
        new("FFMPEG_PATH", SettingKind.Text, "", "Path of the `ffmpeg` program (empty: `ffmpeg` from `PATH`). This proxy only.", Transcoding),
        new("FFPROBE_PATH", SettingKind.Text, "", "Path of the `ffprobe` program (empty: `ffprobe` from `PATH`). This proxy only.", Transcoding),
        new("STREAMLINK_PATH", SettingKind.Text, "", "Path of the `streamlink` program (empty: `streamlink` from `PATH`). This proxy only.", Transcoding),
        new("YTDLP_PATH", SettingKind.Text, "", "Path of the `yt-dlp` program (empty: `yt-dlp` from `PATH`). This proxy only.", Transcoding),
        new("ALLOW_CUSTOM_FFMPEG_ARGS", SettingKind.Bool, "true", "Accept custom ffmpeg templates (a `profile` starting with `-`) in `POST /transcode`; they always pass the safety rules of docs/transcoding.md. `false` answers 403.", Transcoding),
        new("TRANSCODE_STALL_TIMEOUT", SettingKind.Number, "10.0", "Seconds a transcoder fed with input may write no output before it is restarted (at most 3 restarts a minute).", Transcoding) { Minimum = 1, Maximum = 600 },
        new("HLS_TEMP_DIR", SettingKind.Text, "", "Base folder for transcoder HLS output and the record of started processes (transcoders, resolvers and broadcast ffmpeg, so a crashed run leaves no orphan; empty: the system temp folder).", Transcoding),
        new("HLS_WAIT_TIME", SettingKind.Integer, "10", "Seconds the first playlist request waits for a transcoder's playlist (then 503 with `Retry-After`).", Transcoding) { Minimum = 0 },
        new("HLS_GC_ENABLED", SettingKind.Bool, "true", "Accepted for compatibility; nothing to collect here: a transcoder's folder is removed when it stops, and a crashed run's at the next start. Broadcast folders: `BROADCAST_GC_ENABLED`.", Transcoding),
        new("HLS_GC_INTERVAL", SettingKind.Integer, "600", "Seconds between broadcast folder clean-ups (`BROADCAST_GC_ENABLED`).", Transcoding) { Minimum = 1 },
        new("HLS_GC_AGE_THRESHOLD", SettingKind.Integer, "3600", "Minimum age in seconds of a folder of a broadcast no longer listed that the broadcast clean-up removes.", Transcoding) { Minimum = 0 },
        new("HW_ACCEL_AVAILABLE", SettingKind.Text, "", "Overrides the start-up hardware probe: `true` uses `HW_ACCEL_TYPE`/`HW_ACCEL_DEVICE`, `false` the CPU; empty probes.", Transcoding),
        new("HW_ACCEL_TYPE", SettingKind.Text, "", "With `HW_ACCEL_AVAILABLE=true`: `nvidia` (NVENC), `qsv`, `intel`/`amd`/`vaapi` (VAAPI) or `cpu`.", Transcoding),
        new("HW_ACCEL_DEVICE", SettingKind.Text, "", "With `HW_ACCEL_AVAILABLE=true` and no type: `cuda` (NVENC) or `vaapi`.", Transcoding),

        // Broadcast
        new("HLS_BROADCAST_DIR", SettingKind.Text, "/tmp/m3u-proxy-broadcasts", "Folder of network broadcast output (`broadcast_<network_id>` inside). Leftover folders of a previous run are removed at start-up.", Broadcast),
        new("DVR_RECORDING_DIR", SettingKind.Text, "/tmp/m3u-proxy-dvr", "Folder of `dvr_mode` broadcasts (every segment kept; never cleaned by this proxy).", Broadcast),
        new("BROADCAST_GC_ENABLED", SettingKind.Bool, "true", "Every `HLS_GC_INTERVAL` seconds, remove folders of broadcasts no longer listed that are older than `HLS_GC_AGE_THRESHOLD`, and unreferenced segments of running ones.", Broadcast),
        new("BROADCAST_CALLBACK_TIMEOUT", SettingKind.Integer, "3", "Seconds for one attempt of a broadcast callback (3 attempts at most).", Broadcast) { Minimum = 1, Maximum = 3600 },
        new("BROADCAST_MAX_START_RETRIES", SettingKind.Integer, "3", "Failed starts of one network within `BROADCAST_START_RETRY_WINDOW` after which further starts are refused until `BROADCAST_START_RETRY_COOLDOWN` has passed since the last attempt (0: no limit).", Broadcast) { Minimum = 0 },
        new("BROADCAST_START_RETRY_WINDOW", SettingKind.Number, "300.0", "Seconds in which failed starts are counted.", Broadcast) { Minimum = 0 },
        new("BROADCAST_START_RETRY_COOLDOWN", SettingKind.Number, "15.0", "Seconds after the last attempt before a refused network may try again.", Broadcast) { Minimum = 0 },
        new("BROADCAST_START_FAILURE_GRACE", SettingKind.Number, "3.0", "Seconds a start waits at least for ffmpeg to fail; it returns as soon as the first segment exists, and waits at most this or one segment duration plus 5 s, whichever is longer.", Broadcast) { Minimum = 0, Maximum = 600 },

        // Continuous streams
        new("LIVE_BUFFER_BYTES", SettingKind.Integer, "8388608", "The most one live channel's shared buffer may hold (memory is taken as its viewers drift apart and given back as they catch up); a viewer this far behind the upstream is moved forward or dropped.", Continuous) { Minimum = 262144, Maximum = 512L * 1024 * 1024 },
        new("LIVE_BUFFER_MEMORY_LIMIT", SettingKind.Integer, "268435456", "Ceiling on the memory all live channels' buffers hold together; when it is reached, the recent bytes kept for join bursts go first, then the viewers lagging furthest behind are moved forward or dropped (by `LIVE_SLOW_CLIENT_POLICY`).", Continuous) { Minimum = 1048576, Maximum = 64L * 1024 * 1024 * 1024 },
        new("LIVE_JOIN_BURST_BYTES", SettingKind.Integer, "1048576", "How much recent data a viewer joining a running channel gets at once (starting at a PAT when one is there), so players start fast, when it does not start at a keyframe (`LIVE_JOIN_AT_KEYFRAME`, or no keyframe buffered). 0 starts at the live edge.", Continuous) { Minimum = 0, Maximum = 512L * 1024 * 1024 },
        new("LIVE_JOIN_AT_KEYFRAME", SettingKind.Bool, "true", "A viewer joining a running MPEG-TS channel starts at its latest keyframe, preceded by the PAT and PMT, so the first bytes decode at once; the channel keeps the bytes back to that keyframe (within `LIVE_BUFFER_BYTES`, while buffer memory is below 3/4 of `LIVE_BUFFER_MEMORY_LIMIT`) even when the GOP is longer than the join burst. `false` starts `LIVE_JOIN_BURST_BYTES` back instead.", Continuous),
        new("LIVE_SLOW_CLIENT_POLICY", SettingKind.Choice, "skip", "What happens to a viewer that falls a whole buffer behind: `skip` moves it forward to a packet boundary, `disconnect` ends its response.", Continuous) { Choices = ["skip", "disconnect"] },
        new("LIVE_DIRECT_SEND", SettingKind.Bool, "true", "Live and continuous responses to plain HTTP/1.1 GETs go straight from the channel's shared buffer to the viewer's socket (only what the socket cannot take at once is copied), with `Connection: close`; `false` sends them through Kestrel's response pipe (a copy per viewer) with keep-alive.", Continuous),
        new("VIEWER_WRITE_TIMEOUT", SettingKind.Number, "10.0", "Seconds a write to a viewer may make no progress before the viewer counts as gone (half-open Wi-Fi clients).", Continuous) { Minimum = 0.5, Maximum = 3600 },
        new("LIVE_LAST_VIEWER_GRACE", SettingKind.Number, "0", "Seconds a live upstream stays open after its last viewer leaves (cancelled as soon as that viewer opens another stream).", Continuous) { Minimum = 0, Maximum = 600 },
        new("UPSTREAM_MAX_REDIRECTS", SettingKind.Integer, "10", "Redirects followed per upstream request.", Continuous) { Minimum = 0, Maximum = 30 },
        new("VOD_RESUME_ATTEMPTS", SettingKind.Integer, "5", "Times a VOD response resumes (with a Range from the byte reached) after the upstream drops mid-body.", Continuous) { Minimum = 0, Maximum = 100 },

        // Limits
        new("MAX_REQUEST_BODY_BYTES", SettingKind.Integer, "1048576", "Largest request body accepted (413 above it).", Limits) { Minimum = 1024, Maximum = 64L * 1024 * 1024 },
        new("MAX_URL_LENGTH", SettingKind.Integer, "16384", "Longest request path and query accepted (414 above it).", Limits) { Minimum = 1024, Maximum = 65536 },
        new("MAX_REQUEST_HEADERS_BYTES", SettingKind.Integer, "32768", "Largest total of request headers accepted (431 above it).", Limits) { Minimum = 4096, Maximum = 65536 },

        // Webhooks, metrics and logs
        new("WEBHOOK_SECRET", SettingKind.Secret, "", "Default HMAC secret of webhooks registered without a `secret`: each delivery then carries `X-M3U-Proxy-Signature: sha256=<hex HMAC-SHA256 of the body>`. Empty: unsigned.", Observability),
        new("WEBHOOK_QUEUE_SIZE", SettingKind.Integer, "1000", "Events each webhook may have waiting for delivery; beyond that new events for it are dropped, counted and logged (`stream_stopped` has as much room again, so a burst of other events cannot push it out).", Observability) { Minimum = 1, Maximum = 1000000 },
        new("MASK_URLS", SettingKind.Bool, "false", "Also mask credentials (user-info, token-like query values, Xtream user/password) of upstream URLs in stats answers and webhook payloads. Logs are always masked.", Observability),
        new("METRICS_PER_STREAM_LIMIT", SettingKind.Integer, "0", "Per-stream series in `/metrics` (`m3u_proxy_stream_*{stream_id=…}`) for at most this many streams, those with the most clients first; 0 leaves them out. Bounds the number of series a scraper stores.", Observability) { Minimum = 0, Maximum = 1000 },

        // HLS
        new("URL_SIGNING_SECRET", SettingKind.Secret, "", "Key of the HMAC that signs every child URL of a rewritten playlist (`sig=`). Empty: derived from `API_TOKEN` when set, else (with `REDIS_ENABLED`) from `CLUSTER_SECRET` when set, else random at start (a restart then invalidates the URLs players hold). Instances behind one load balancer need the same key.", Hls),
        new("HLS_SEGMENT_CACHE_BYTES", SettingKind.Integer, "67108864", "Memory for recently fetched HLS segments shared by all viewers (LRU); 0 disables the cache (concurrent requests are still coalesced).", Hls) { Minimum = 0, Maximum = 16L * 1024 * 1024 * 1024 },
        new("HLS_CARRY_PARENT_QUERY", SettingKind.Bool, "false", "Give child URLs without a query the parent playlist's query (for providers whose tokens must be on every request).", Hls),
    ];

    private static readonly Dictionary<string, SettingDefinition> _byName =
        All.ToDictionary(s => s.Name, StringComparer.OrdinalIgnoreCase);

    public static SettingDefinition Get(string name) => _byName[name];

    public static bool TryGet(string name, out SettingDefinition? definition) => _byName.TryGetValue(name, out definition);
}
