using System.Globalization;
using System.Text;

namespace M3uProxy.Edge.LoadTests.Report;

/// <summary>
/// Markdown tables from several reports (<c>m3u-loadgen report FILES</c>): downloads and live viewers
/// side by side per client count, with ratios against the <c>direct</c> and <c>nginx</c> runs.
/// </summary>
internal static class MarkdownReport
{
    public static string Render(IReadOnlyList<RunReport> reports)
    {
        var text = new StringBuilder();
        Download(text, [.. reports.Where(r => r.Scenario == "download")]);
        Live(text, [.. reports.Where(r => r.Scenario == "live")]);
        Others(text, [.. reports.Where(r => r.Scenario is "zap" or "failover")]);
        return text.ToString();
    }

    private static void Download(StringBuilder text, List<RunReport> reports)
    {
        if (reports.Count == 0)
        {
            return;
        }

        text.AppendLine("| clients | target | MB/s | ×direct | ×nginx | CPU s/GB | ×nginx | CPU % | RSS peak MB | TTFB p50 / p99 ms | errors | starved | other CPU % | MB/s of each repetition |");
        text.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var (clients, report, step) in Rows(reports))
        {
            var direct = Find(reports, "direct", clients);
            var nginx = Find(reports, "nginx", clients);
            Line(text, clients, report.Name, F(step.AggregateMBps, 0), Ratio(step.AggregateMBps, direct?.AggregateMBps), Ratio(step.AggregateMBps, nginx?.AggregateMBps),
                F(step.TargetCpuSecondsPerGB), Ratio(step.TargetCpuSecondsPerGB, nginx?.TargetCpuSecondsPerGB), F(step.TargetCpuPct, 0), F(step.TargetRssPeakMB, 1),
                $"{F(step.TimeToFirstByte.P50Ms, 1)} / {F(step.TimeToFirstByte.P99Ms, 1)}", I(step.Errors), I(step.StarvedClients), F(step.OtherCpuPct, 0),
                step.RepetitionMBps is { } reps ? string.Join(", ", reps.Select(r => F(r, 0))) : "—");
        }

        text.AppendLine();
    }

    private static void Live(StringBuilder text, List<RunReport> reports)
    {
        if (reports.Count == 0)
        {
            return;
        }

        text.AppendLine("| viewers | target | agg MB/s | viewer kB/s median / min | TTFB p50 / p99 ms | read gap p99 / max ms | stalls (viewers) | drops + errors | starved | CPU % | ×nginx | RSS steady MB | RSS/viewer kB | upstream reqs | other CPU % |");
        text.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (clients, report, step) in Rows(reports))
        {
            var nginx = Find(reports, "nginx", clients);
            Line(text, clients, report.Name, F(step.AggregateMBps), $"{F(step.ClientKBpsMedian, 0)} / {F(step.ClientKBpsMin, 0)}",
                $"{F(step.TimeToFirstByte.P50Ms, 1)} / {F(step.TimeToFirstByte.P99Ms, 1)}", $"{F(step.ReadGap.P99Ms, 0)} / {F(step.ReadGap.MaxMs, 0)}",
                $"{step.Stalls} ({step.StalledClients})", I(step.Drops + step.Errors), I(step.StarvedClients), F(step.TargetCpuPct, 1),
                Ratio(step.TargetCpuPct, nginx?.TargetCpuPct), F(step.TargetRssSteadyMB, 1), F(step.TargetRssPerClientKB, 0),
                step.UpstreamRequests?.ToString(CultureInfo.InvariantCulture) ?? "—", F(step.OtherCpuPct, 0));
        }

        text.AppendLine();
    }

    private static void Others(StringBuilder text, List<RunReport> reports)
    {
        if (reports.Count == 0)
        {
            return;
        }

        text.AppendLine("| scenario | viewers | target | TTFB (zap time) p50 / p99 ms | read gap p99 / max ms | stalls (viewers) | drops | errors | failovers done / refused | upstream reqs | CPU % | RSS steady MB | other CPU % |");
        text.AppendLine("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var report in reports)
        {
            foreach (var step in report.Steps)
            {
                text.AppendLine(string.Join(" | ", [
                    $"| {report.Scenario}", I(step.Clients), report.Name,
                    $"{F(step.TimeToFirstByte.P50Ms, 1)} / {F(step.TimeToFirstByte.P99Ms, 1)}", $"{F(step.ReadGap.P99Ms, 0)} / {F(step.ReadGap.MaxMs, 0)}",
                    $"{step.Stalls} ({step.StalledClients})", I(step.Drops), I(step.Errors),
                    step.FailoversTriggered is { } done ? $"{done} / {step.FailoverRequestsRefused}" : "—",
                    step.UpstreamRequests?.ToString(CultureInfo.InvariantCulture) ?? "—", F(step.TargetCpuPct, 1), F(step.TargetRssSteadyMB, 1), F(step.OtherCpuPct, 0) + " |"]));
            }
        }

        text.AppendLine();
    }

    /// <summary>Every step, ordered by client count, then in the order the reports were given.</summary>
    private static IEnumerable<(int Clients, RunReport Report, StepResult Step)> Rows(List<RunReport> reports) =>
        reports.SelectMany(r => r.Steps.Select(s => (s.Clients, r, s))).OrderBy(row => row.Clients);

    private static StepResult? Find(List<RunReport> reports, string name, int clients) =>
        reports.FirstOrDefault(r => r.Name == name)?.Steps.FirstOrDefault(s => s.Clients == clients);

    private static void Line(StringBuilder text, int clients, string name, params string[] cells) =>
        text.AppendLine($"| {I(clients)} | {name} | {string.Join(" | ", cells)} |");

    private static string Ratio(double? value, double? baseline) =>
        value is { } v && baseline is { } b && b > 0 ? string.Create(CultureInfo.InvariantCulture, $"{v / b:F2}×") : "—";

    private static string F(double? value, int digits = 2) =>
        value?.ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) ?? "—";

    private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);
}
