using System.Text.Json.Serialization;
using M3uProxy.Edge.LoadTests.Measure;

namespace M3uProxy.Edge.LoadTests.Report;

/// <summary>
/// One step's numbers. Rates and CPU are taken over the measurement window (after the ramp);
/// latencies, gaps, stalls, drops and errors over the whole step. "Target" is the process tree
/// given with --pid (the proxy, or nginx); "other CPU" is what the rest of the machine used
/// (the origin, and anything else running), in % of one core.
/// </summary>
internal sealed record StepResult(
    int Clients,
    double WindowSeconds,
    [property: JsonPropertyName("aggregate_mbps")] double AggregateMBps,
    [property: JsonPropertyName("client_kbps_median")] double ClientKBpsMedian,
    [property: JsonPropertyName("client_kbps_min")] double ClientKBpsMin,
    Percentiles TimeToFirstByte,
    Percentiles ReadGap,
    long Stalls,
    int StalledClients,
    int Drops,
    int Errors,
    Dictionary<string, int> ErrorKinds,
    int StarvedClients,
    long Requests,
    double? TargetCpuPct,
    double? TargetCpuSecondsPerGB,
    double? TargetRssBeforeMB,
    double? TargetRssSteadyMB,
    double? TargetRssPeakMB,
    double? TargetRssPerClientKB,
    double LoadgenCpuPct,
    double OtherCpuPct,
    long? UpstreamRequests,
    int? FailoversTriggered,
    int? FailoverRequestsRefused)
{
    /// <summary>With <c>--reps</c>: every repetition's aggregate MB/s (this step is the median one).</summary>
    [JsonPropertyName("repetition_mbps")]
    public IReadOnlyList<double>? RepetitionMBps { get; init; }
}
