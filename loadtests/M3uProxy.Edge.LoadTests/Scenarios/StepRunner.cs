using System.Diagnostics;
using HdrHistogram;
using M3uProxy.Edge.LoadTests.Measure;
using M3uProxy.Edge.LoadTests.Report;

namespace M3uProxy.Edge.LoadTests.Scenarios;

/// <summary>
/// Runs one step: (anchor viewer,) clients started over the ramp, one settle second, the measurement
/// window with CPU/RSS sampling, then every client stopped. Bounded: ramp + window + ~15 s at most.
/// </summary>
internal static class StepRunner
{
    private static readonly TimeSpan _settle = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan _anchorLead = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan _stopTimeout = TimeSpan.FromSeconds(10);

    public static async Task<StepResult> RunAsync(StepPlan plan, StepContext context)
    {
        using var stop = new CancellationTokenSource();
        var upstreamBefore = CountLines(context.OriginLog);
        var anchorTask = Task.CompletedTask;
        if (plan.Anchor is { } anchor)
        {
            var anchorPlan = plan with { UrlFor = (_, _) => anchor };
            anchorTask = Task.Run(() => ClientLoop.RunAsync(context.Http, anchorPlan, -1, new ClientMeter(context.StallThreshold), stop.Token));
            await Task.Delay(_anchorLead);
        }

        var rssBefore = context.Target?.RssBytes();
        var meters = Enumerable.Range(0, plan.Clients).Select(_ => new ClientMeter(context.StallThreshold)).ToArray();
        var clients = new Task[plan.Clients];
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < plan.Clients; i++)
        {
            var due = plan.Ramp * i / plan.Clients - Stopwatch.GetElapsedTime(started);
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due);
            }

            var client = i;
            clients[i] = Task.Run(() => ClientLoop.RunAsync(context.Http, plan, client, meters[client], stop.Token));
        }

        var untilWindow = plan.Ramp + _settle - Stopwatch.GetElapsedTime(started);
        if (untilWindow > TimeSpan.Zero)
        {
            await Task.Delay(untilWindow);
        }

        var window = await MeasureWindowAsync(plan, context, meters);
        await stop.CancelAsync();
        var all = Task.WhenAll(clients.Append(anchorTask));
        if (await Task.WhenAny(all, Task.Delay(_stopTimeout)) != all)
        {
            context.Log.WriteLine("warning: some clients did not stop within 10 s");
        }

        return Summarize(plan, meters, window, rssBefore, CountLines(context.OriginLog) - upstreamBefore);
    }

    private static async Task<WindowFigures> MeasureWindowAsync(StepPlan plan, StepContext context, ClientMeter[] meters)
    {
        var bytesAtStart = meters.Select(m => m.Bytes).ToArray();
        var cpuAtStart = context.Target?.CpuSeconds();
        var selfAtStart = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        var busyAtStart = ProcessTree.MachineBusySeconds();
        var started = Stopwatch.GetTimestamp();
        await using var sampler = context.Target is { } target ? new RssSampler(target) : null;
        using var windowEnd = new CancellationTokenSource(plan.Window);
        var during = plan.During is { } action ? Task.Run(() => action(windowEnd.Token)) : Task.CompletedTask;
        await Task.Delay(plan.Window);
        var bytes = meters.Select((m, i) => m.Bytes - bytesAtStart[i]).ToArray();
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var cpu = context.Target?.CpuSeconds() - cpuAtStart;
        var self = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - selfAtStart;
        var busy = ProcessTree.MachineBusySeconds() - busyAtStart;
        await during;
        return new WindowFigures(seconds, bytes, cpu, self, busy, sampler?.Steady, sampler?.Peak);
    }

    private static StepResult Summarize(StepPlan plan, ClientMeter[] meters, WindowFigures window, long? rssBefore, long? upstream)
    {
        var ttfb = new LongHistogram(ClientMeter.HighestMicros, ClientMeter.SignificantDigits);
        var gaps = new LongHistogram(ClientMeter.HighestMicros, ClientMeter.SignificantDigits);
        var errorKinds = new Dictionary<string, int>();
        foreach (var meter in meters)
        {
            ttfb.Add(meter.TimeToFirstByte);
            gaps.Add(meter.ReadGaps);
            foreach (var (kind, count) in meter.Errors)
            {
                errorKinds[kind] = errorKinds.GetValueOrDefault(kind) + count;
            }
        }

        var rates = window.Bytes.Select(b => b / window.Seconds / 1000).Order().ToArray();
        var total = window.Bytes.Sum();
        return new StepResult(
            plan.Clients,
            Round(window.Seconds),
            Round(total / window.Seconds / 1e6),
            Round(rates[rates.Length / 2]),
            Round(rates[0]),
            Percentiles.Of(ttfb),
            Percentiles.Of(gaps),
            meters.Sum(m => m.Stalls),
            meters.Count(m => m.Stalls > 0),
            meters.Sum(m => m.Drops),
            errorKinds.Values.Sum(),
            errorKinds,
            meters.Count(m => m.Bytes == 0),
            meters.Sum(m => (long)m.Requests),
            window.TargetCpu is { } cpu ? Round(cpu / window.Seconds * 100) : null,
            window.TargetCpu is { } cpuSeconds && total > 0 ? Round(cpuSeconds / (total / 1e9)) : null,
            Mb(rssBefore),
            Mb(window.RssSteady),
            Mb(window.RssPeak),
            window.RssSteady is { } steady && rssBefore is { } before ? Round((steady - before) / 1024.0 / plan.Clients) : null,
            Round(window.LoadgenCpu / window.Seconds * 100),
            Round(Math.Max(0, window.MachineBusy - window.LoadgenCpu - (window.TargetCpu ?? 0)) / window.Seconds * 100),
            upstream,
            null,
            null);
    }

    private static long? CountLines(string? path) => path is not null && File.Exists(path) ? File.ReadLines(path).LongCount() : null;

    private static double? Mb(long? bytes) => bytes is { } b ? Round(b / 1048576.0) : null;

    private static double Round(double value) => Math.Round(value, 2);

    private sealed record WindowFigures(double Seconds, long[] Bytes, double? TargetCpu, double LoadgenCpu, double MachineBusy, long? RssSteady, long? RssPeak);
}
