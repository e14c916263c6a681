using System.Globalization;

namespace M3uProxy.Edge.LoadTests.Report;

/// <summary>The one-line console summary of a step.</summary>
internal static class StepLine
{
    public static string Format(StepResult r) => string.Create(
        CultureInfo.InvariantCulture,
        $"  N={r.Clients,-5} {r.AggregateMBps,9:F2} MB/s  client kB/s med/min {r.ClientKBpsMedian:F0}/{r.ClientKBpsMin:F0}  " +
        $"TTFB p50/p99 {r.TimeToFirstByte.P50Ms:F1}/{r.TimeToFirstByte.P99Ms:F1} ms  gap p99/max {r.ReadGap.P99Ms:F1}/{r.ReadGap.MaxMs:F0} ms  " +
        $"stalls {r.Stalls} ({r.StalledClients} clients) drops {r.Drops} errors {r.Errors} starved {r.StarvedClients}  " +
        $"target CPU {r.TargetCpuPct?.ToString("F1", CultureInfo.InvariantCulture) ?? "-"}% ({r.TargetCpuSecondsPerGB?.ToString("F2", CultureInfo.InvariantCulture) ?? "-"} s/GB) " +
        $"RSS {r.TargetRssSteadyMB?.ToString("F1", CultureInfo.InvariantCulture) ?? "-"} MB ({r.TargetRssPerClientKB?.ToString("F0", CultureInfo.InvariantCulture) ?? "-"} kB/client)  " +
        $"upstream reqs {r.UpstreamRequests?.ToString(CultureInfo.InvariantCulture) ?? "-"}  other CPU {r.OtherCpuPct:F0}%");
}
