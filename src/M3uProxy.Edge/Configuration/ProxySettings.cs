namespace M3uProxy.Edge.Configuration;

/// <summary>
/// The typed settings, filled by the configuration-binder source generator from the values
/// <see cref="SettingsLoader"/> has already validated and normalized. Defaults live in
/// <see cref="SettingsCatalog"/> only; nothing here repeats them.
/// </summary>
internal sealed class ProxySettings
{
    [ConfigurationKeyName("HOST")] public string Host { get; set; } = "";
    [ConfigurationKeyName("PORT")] public int Port { get; set; }
    [ConfigurationKeyName("ROOT_PATH")] public string RootPathSetting { get; set; } = "";
    [ConfigurationKeyName("API_TOKEN")] public string ApiToken { get; set; } = "";
    [ConfigurationKeyName("LOG_LEVEL")] public LogLevel LogLevel { get; set; }
    [ConfigurationKeyName("LOG_FORMAT")] public string LogFormat { get; set; } = "";
    [ConfigurationKeyName("APP_DEBUG")] public bool AppDebug { get; set; }

    [ConfigurationKeyName("CLIENT_TIMEOUT")] public int ClientTimeoutSeconds { get; set; }
    [ConfigurationKeyName("STREAM_TIMEOUT")] public int StreamTimeoutSeconds { get; set; }
    [ConfigurationKeyName("CLEANUP_INTERVAL")] public int CleanupIntervalSeconds { get; set; }
    [ConfigurationKeyName("WORKER_ID")] public string WorkerId { get; set; } = "";
    [ConfigurationKeyName("HEARTBEAT_INTERVAL")] public int HeartbeatIntervalSeconds { get; set; }
    [ConfigurationKeyName("ENABLE_CONNECTION_IDLE_MONITORING")] public bool EnableConnectionIdleMonitoring { get; set; }
    [ConfigurationKeyName("CONNECTION_IDLE_ALERT_THRESHOLD")] public int ConnectionIdleAlertSeconds { get; set; }
    [ConfigurationKeyName("CONNECTION_IDLE_ERROR_THRESHOLD")] public int ConnectionIdleErrorSeconds { get; set; }
    [ConfigurationKeyName("SHUTDOWN_DRAIN_SECONDS")] public double ShutdownDrainSeconds { get; set; }

    [ConfigurationKeyName("DEFAULT_USER_AGENT")] public string DefaultUserAgent { get; set; } = "";
    [ConfigurationKeyName("DEFAULT_CONNECTION_TIMEOUT")] public double ConnectTimeoutSeconds { get; set; }
    [ConfigurationKeyName("DEFAULT_READ_TIMEOUT")] public double LiveReadTimeoutSeconds { get; set; }
    [ConfigurationKeyName("VOD_READ_TIMEOUT")] public double VodReadTimeoutSeconds { get; set; }
    [ConfigurationKeyName("DEFAULT_MAX_RETRIES")] public int DefaultMaxRetries { get; set; }

    [ConfigurationKeyName("STREAM_RETRY_ATTEMPTS")] public int StreamRetryAttempts { get; set; }
    [ConfigurationKeyName("STREAM_RETRY_DELAY")] public double StreamRetryDelaySeconds { get; set; }
    [ConfigurationKeyName("STREAM_TOTAL_TIMEOUT")] public double StreamTotalTimeoutSeconds { get; set; }
    [ConfigurationKeyName("STREAM_RETRY_EXPONENTIAL_BACKOFF")] public bool StreamRetryExponentialBackoff { get; set; }
    [ConfigurationKeyName("LIVE_CHUNK_TIMEOUT_SECONDS")] public double LiveChunkTimeoutSeconds { get; set; }
    [ConfigurationKeyName("STREAM_YOUNG_CONNECTION_SECONDS")] public double StreamYoungConnectionSeconds { get; set; }
    [ConfigurationKeyName("STREAM_STALL_FAILOVER_SECONDS")] public double StreamStallFailoverSeconds { get; set; }
    [ConfigurationKeyName("STREAM_KEEPALIVE_SECONDS")] public double StreamKeepaliveSeconds { get; set; }
    [ConfigurationKeyName("MAX_FAILOVER_ATTEMPTS")] public int MaxFailoverAttempts { get; set; }
    [ConfigurationKeyName("USE_STICKY_SESSION")] public bool UseStickySession { get; set; }

    [ConfigurationKeyName("STRICT_LIVE_TS")] public bool StrictLiveTs { get; set; }
    [ConfigurationKeyName("STRICT_LIVE_TS_PREBUFFER_SIZE")] public int StrictLiveTsPrebufferSize { get; set; }
    [ConfigurationKeyName("STRICT_LIVE_TS_CIRCUIT_BREAKER_TIMEOUT")] public int StrictLiveTsCircuitBreakerTimeoutSeconds { get; set; }
    [ConfigurationKeyName("STRICT_LIVE_TS_CIRCUIT_BREAKER_COOLDOWN")] public int StrictLiveTsCircuitBreakerCooldownSeconds { get; set; }
    [ConfigurationKeyName("STRICT_LIVE_TS_PREBUFFER_TIMEOUT")] public int StrictLiveTsPrebufferTimeoutSeconds { get; set; }

    [ConfigurationKeyName("ENABLE_BITRATE_MONITORING")] public bool EnableBitrateMonitoring { get; set; }
    [ConfigurationKeyName("MIN_BITRATE_THRESHOLD")] public long MinBitrateThreshold { get; set; }
    [ConfigurationKeyName("BITRATE_CHECK_INTERVAL")] public double BitrateCheckIntervalSeconds { get; set; }
    [ConfigurationKeyName("BITRATE_FAILOVER_THRESHOLD")] public int BitrateFailoverThreshold { get; set; }
    [ConfigurationKeyName("BITRATE_MONITORING_GRACE_PERIOD")] public double BitrateMonitoringGracePeriodSeconds { get; set; }

    [ConfigurationKeyName("ENABLE_SILENCE_DETECTION")] public bool EnableSilenceDetection { get; set; }
    [ConfigurationKeyName("SILENCE_THRESHOLD_DB")] public double SilenceThresholdDb { get; set; }
    [ConfigurationKeyName("SILENCE_DURATION")] public double SilenceDurationSeconds { get; set; }
    [ConfigurationKeyName("SILENCE_CHECK_INTERVAL")] public double SilenceCheckIntervalSeconds { get; set; }
    [ConfigurationKeyName("SILENCE_FAILOVER_THRESHOLD")] public int SilenceFailoverThreshold { get; set; }
    [ConfigurationKeyName("SILENCE_MONITORING_GRACE_PERIOD")] public double SilenceMonitoringGracePeriodSeconds { get; set; }

    [ConfigurationKeyName("REDIS_ENABLED")] public bool RedisEnabled { get; set; }
    [ConfigurationKeyName("ENABLE_TRANSCODING_POOLING")] public bool EnableTranscodingPooling { get; set; }
    [ConfigurationKeyName("REDIS_HOST")] public string RedisHost { get; set; } = "";
    [ConfigurationKeyName("REDIS_SERVER_PORT")] public int RedisPort { get; set; }
    [ConfigurationKeyName("REDIS_DB")] public int RedisDb { get; set; }
    [ConfigurationKeyName("REDIS_PASSWORD")] public string RedisPassword { get; set; } = "";
    [ConfigurationKeyName("REDIS_URL")] public string RedisUrl { get; set; } = "";
    [ConfigurationKeyName("CLUSTER_ADVERTISE_URL")] public string ClusterAdvertiseUrl { get; set; } = "";
    [ConfigurationKeyName("CLUSTER_SECRET")] public string ClusterSecret { get; set; } = "";
    [ConfigurationKeyName("PROVIDER_MAX_CONNECTIONS")] public int ProviderMaxConnections { get; set; }
    [ConfigurationKeyName("PROVIDER_LIMITS")] public string ProviderLimits { get; set; } = "";
    [ConfigurationKeyName("PROVIDER_KEY_FIELD")] public string ProviderKeyField { get; set; } = "";
    [ConfigurationKeyName("PROVIDER_LIMIT_POLICY")] public string ProviderLimitPolicy { get; set; } = "";
    [ConfigurationKeyName("STREAMLINK_ENABLED")] public bool StreamlinkEnabled { get; set; }
    [ConfigurationKeyName("YTDLP_ENABLED")] public bool YtdlpEnabled { get; set; }
    [ConfigurationKeyName("FFMPEG_PATH")] public string FfmpegPath { get; set; } = "";
    [ConfigurationKeyName("FFPROBE_PATH")] public string FfprobePath { get; set; } = "";
    [ConfigurationKeyName("STREAMLINK_PATH")] public string StreamlinkPath { get; set; } = "";
    [ConfigurationKeyName("YTDLP_PATH")] public string YtdlpPath { get; set; } = "";
    [ConfigurationKeyName("ALLOW_CUSTOM_FFMPEG_ARGS")] public bool AllowCustomFfmpegArgs { get; set; }
    [ConfigurationKeyName("SHARED_STREAM_GRACE")] public int SharedStreamGraceSeconds { get; set; }
    [ConfigurationKeyName("HLS_TEMP_DIR")] public string HlsTempDir { get; set; } = "";
    [ConfigurationKeyName("HLS_WAIT_TIME")] public int HlsWaitTimeSeconds { get; set; }
    [ConfigurationKeyName("HW_ACCEL_AVAILABLE")] public string HwAccelAvailable { get; set; } = "";
    [ConfigurationKeyName("HW_ACCEL_TYPE")] public string HwAccelType { get; set; } = "";
    [ConfigurationKeyName("HW_ACCEL_DEVICE")] public string HwAccelDevice { get; set; } = "";
    [ConfigurationKeyName("TRANSCODE_STALL_TIMEOUT")] public double TranscodeStallTimeoutSeconds { get; set; }

    [ConfigurationKeyName("HLS_GC_INTERVAL")] public int HlsGcIntervalSeconds { get; set; }
    [ConfigurationKeyName("HLS_GC_AGE_THRESHOLD")] public int HlsGcAgeThresholdSeconds { get; set; }
    [ConfigurationKeyName("HLS_BROADCAST_DIR")] public string HlsBroadcastDir { get; set; } = "";
    [ConfigurationKeyName("DVR_RECORDING_DIR")] public string DvrRecordingDir { get; set; } = "";
    [ConfigurationKeyName("BROADCAST_GC_ENABLED")] public bool BroadcastGcEnabled { get; set; }
    [ConfigurationKeyName("BROADCAST_CALLBACK_TIMEOUT")] public int BroadcastCallbackTimeoutSeconds { get; set; }
    [ConfigurationKeyName("BROADCAST_MAX_START_RETRIES")] public int BroadcastMaxStartRetries { get; set; }
    [ConfigurationKeyName("BROADCAST_START_RETRY_WINDOW")] public double BroadcastStartRetryWindowSeconds { get; set; }
    [ConfigurationKeyName("BROADCAST_START_RETRY_COOLDOWN")] public double BroadcastStartRetryCooldownSeconds { get; set; }
    [ConfigurationKeyName("BROADCAST_START_FAILURE_GRACE")] public double BroadcastStartFailureGraceSeconds { get; set; }

    [ConfigurationKeyName("LIVE_BUFFER_BYTES")] public long LiveBufferBytes { get; set; }
    [ConfigurationKeyName("LIVE_BUFFER_MEMORY_LIMIT")] public long LiveBufferMemoryLimit { get; set; }
    [ConfigurationKeyName("LIVE_JOIN_BURST_BYTES")] public long LiveJoinBurstBytes { get; set; }
    [ConfigurationKeyName("LIVE_JOIN_AT_KEYFRAME")] public bool LiveJoinAtKeyframe { get; set; }
    [ConfigurationKeyName("LIVE_SLOW_CLIENT_POLICY")] public string LiveSlowClientPolicy { get; set; } = "";
    [ConfigurationKeyName("LIVE_DIRECT_SEND")] public bool LiveDirectSend { get; set; }
    [ConfigurationKeyName("VIEWER_WRITE_TIMEOUT")] public double ViewerWriteTimeoutSeconds { get; set; }
    [ConfigurationKeyName("LIVE_LAST_VIEWER_GRACE")] public double LiveLastViewerGraceSeconds { get; set; }
    [ConfigurationKeyName("UPSTREAM_MAX_REDIRECTS")] public int UpstreamMaxRedirects { get; set; }
    [ConfigurationKeyName("VOD_RESUME_ATTEMPTS")] public int VodResumeAttempts { get; set; }

    [ConfigurationKeyName("MAX_REQUEST_BODY_BYTES")] public int MaxRequestBodyBytes { get; set; }
    [ConfigurationKeyName("MAX_URL_LENGTH")] public int MaxUrlLength { get; set; }
    [ConfigurationKeyName("MAX_REQUEST_HEADERS_BYTES")] public int MaxRequestHeadersBytes { get; set; }

    [ConfigurationKeyName("WEBHOOK_SECRET")] public string WebhookSecret { get; set; } = "";
    [ConfigurationKeyName("WEBHOOK_QUEUE_SIZE")] public int WebhookQueueSize { get; set; }
    [ConfigurationKeyName("MASK_URLS")] public bool MaskUrls { get; set; }
    [ConfigurationKeyName("METRICS_PER_STREAM_LIMIT")] public int MetricsPerStreamLimit { get; set; }
    [ConfigurationKeyName("URL_SIGNING_SECRET")] public string UrlSigningSecret { get; set; } = "";
    [ConfigurationKeyName("HLS_SEGMENT_CACHE_BYTES")] public long HlsSegmentCacheBytes { get; set; }
    [ConfigurationKeyName("HLS_CARRY_PARENT_QUERY")] public bool HlsCarryParentQuery { get; set; }

    /// <summary><c>ROOT_PATH</c> as a path base: empty, or <c>/segment[/segment…]</c> without a trailing slash.</summary>
    public string RootPath
    {
        get
        {
            var path = RootPathSetting.Trim().TrimEnd('/');
            return path.Length == 0 || path[0] == '/' ? path : "/" + path;
        }
    }

    public bool AuthEnabled => ApiToken.Length > 0;

    public TimeSpan ClientTimeout => TimeSpan.FromSeconds(ClientTimeoutSeconds);

    public TimeSpan StreamTimeout => TimeSpan.FromSeconds(StreamTimeoutSeconds);

    public TimeSpan CleanupInterval => TimeSpan.FromSeconds(CleanupIntervalSeconds);

    /// <summary>The level logs are written at: <c>APP_DEBUG</c> lowers <c>LOG_LEVEL</c> to Debug.</summary>
    public LogLevel EffectiveLogLevel => AppDebug && LogLevel > LogLevel.Debug ? LogLevel.Debug : LogLevel;
}
