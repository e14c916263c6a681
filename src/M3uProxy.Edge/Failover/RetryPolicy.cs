using M3uProxy.Edge.Configuration;

namespace M3uProxy.Edge.Failover;

/// <summary>The retry settings of one stream (global variables, strict-mode overrides).</summary>
internal sealed record RetryPolicy(
    int Attempts,
    TimeSpan Delay,
    bool ExponentialBackoff,
    TimeSpan OutageBudget,
    TimeSpan StallTimeout,
    int MaxFailovers,
    bool CircuitBreaker,
    TimeSpan Cooldown,
    TimeSpan YoungConnection,
    TimeSpan StallFailover)
{
    /// <summary>A source that streamed this long has recovered: its next failure is a new outage.</summary>
    public static readonly TimeSpan RecoveredAfter = TimeSpan.FromSeconds(5);

    public static RetryPolicy For(ProxySettings settings, bool strictLiveTs) => new(
        Attempts: strictLiveTs ? 0 : settings.StreamRetryAttempts,
        Delay: TimeSpan.FromSeconds(settings.StreamRetryDelaySeconds),
        ExponentialBackoff: settings.StreamRetryExponentialBackoff,
        OutageBudget: TimeSpan.FromSeconds(settings.StreamTotalTimeoutSeconds),
        StallTimeout: TimeSpan.FromSeconds(strictLiveTs ? settings.StrictLiveTsCircuitBreakerTimeoutSeconds : settings.LiveChunkTimeoutSeconds),
        MaxFailovers: settings.MaxFailoverAttempts,
        CircuitBreaker: strictLiveTs,
        Cooldown: TimeSpan.FromSeconds(strictLiveTs ? settings.StrictLiveTsCircuitBreakerCooldownSeconds : 0),
        YoungConnection: TimeSpan.FromSeconds(settings.StreamYoungConnectionSeconds),
        StallFailover: TimeSpan.FromSeconds(settings.StreamStallFailoverSeconds));

    /// <summary>The wait before retry number <paramref name="attempt"/> (1-based): × 1.5 per attempt when exponential.</summary>
    public TimeSpan DelayBefore(int attempt)
        => ExponentialBackoff ? TimeSpan.FromSeconds(Delay.TotalSeconds * Math.Pow(1.5, attempt - 1)) : Delay;
}
