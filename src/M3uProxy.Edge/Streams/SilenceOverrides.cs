namespace M3uProxy.Edge.Streams;

/// <summary>Per-stream silence-detection settings; null fields fall back to the global variables.</summary>
internal sealed record SilenceOverrides(
    bool? Enabled,
    double? ThresholdDb,
    double? DurationSeconds,
    double? CheckIntervalSeconds,
    int? FailoverThreshold,
    double? GracePeriodSeconds)
{
    public static SilenceOverrides None { get; } = new(null, null, null, null, null, null);
}
