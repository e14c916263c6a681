using M3uProxy.Edge.Configuration;

namespace M3uProxy.Edge.Broadcast;

/// <summary>The broadcast settings (seed-spec §3.1), read once from <see cref="ProxySettings"/>.</summary>
internal sealed record BroadcastOptions
{
    public required string BroadcastDirectory { get; init; }

    public required string DvrDirectory { get; init; }

    public bool GcEnabled { get; init; } = true;

    public TimeSpan GcInterval { get; init; } = TimeSpan.FromSeconds(600);

    public TimeSpan GcAgeThreshold { get; init; } = TimeSpan.FromSeconds(3600);

    /// <summary>Unreferenced segments of a running broadcast older than this are removed by the GC (the reference's 60 s).</summary>
    public TimeSpan UnreferencedSegmentAge { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan CallbackTimeout { get; init; } = TimeSpan.FromSeconds(3);

    public int MaxStartRetries { get; init; } = 3;

    public TimeSpan StartRetryWindow { get; init; } = TimeSpan.FromSeconds(300);

    public TimeSpan StartRetryCooldown { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan StartFailureGrace { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How long a stop waits for ffmpeg to finish its last segment before it is killed (the reference's 5 s).</summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(5);

    public static BroadcastOptions From(ProxySettings settings) => new()
    {
        BroadcastDirectory = Path.GetFullPath(settings.HlsBroadcastDir),
        DvrDirectory = Path.GetFullPath(settings.DvrRecordingDir),
        GcEnabled = settings.BroadcastGcEnabled,
        GcInterval = TimeSpan.FromSeconds(settings.HlsGcIntervalSeconds),
        GcAgeThreshold = TimeSpan.FromSeconds(settings.HlsGcAgeThresholdSeconds),
        CallbackTimeout = TimeSpan.FromSeconds(settings.BroadcastCallbackTimeoutSeconds),
        MaxStartRetries = settings.BroadcastMaxStartRetries,
        StartRetryWindow = TimeSpan.FromSeconds(settings.BroadcastStartRetryWindowSeconds),
        StartRetryCooldown = TimeSpan.FromSeconds(settings.BroadcastStartRetryCooldownSeconds),
        StartFailureGrace = TimeSpan.FromSeconds(settings.BroadcastStartFailureGraceSeconds),
    };

    /// <summary>
    /// How long a start waits for the first segment: at least the failure grace, and at least one
    /// segment plus probing and connecting, so a slow but healthy source is not called failed.
    /// </summary>
    public TimeSpan FirstSegmentWait(int segmentDuration)
    {
        var segment = TimeSpan.FromSeconds(segmentDuration + 5);
        return StartFailureGrace > segment ? StartFailureGrace : segment;
    }
}
