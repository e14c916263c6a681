using System.Globalization;
using System.Text.Json;
using M3uProxy.Edge.LoadTests.Measure;
using M3uProxy.Edge.LoadTests.Os;
using M3uProxy.Edge.LoadTests.Report;
using M3uProxy.Edge.LoadTests.Scenarios;
using M3uProxy.Edge.LoadTests.Targets;

namespace M3uProxy.Edge.LoadTests.Cli;

/// <summary>Runs one scenario's steps (one per client count) against one target and writes the report.</summary>
internal delegate Task<StepResult> ScenarioStep(RunSettings settings, int clients, PlaybackTarget target, StepContext context);

internal static class ScenarioRunner
{
    public static async Task<RunReport> RunAsync(RunSettings settings, ScenarioStep step, IReadOnlyList<string> argv, TextWriter log)
    {
        var openFiles = OpenFileLimit.Raise();
        var needed = (ulong)settings.Clients.Max() * 2 + 64;
        if (openFiles is { } limit && limit < needed)
        {
            log.WriteLine($"warning: open-file limit {limit} < {needed}; raise the hard limit (ulimit -Hn) for this many clients");
        }

        using var http = LoadHttp.Create();
        var target = PlaybackTarget.Parse(settings.Target, http, settings.ApiToken);
        var tree = settings.Pid is { } pid ? new ProcessTree(pid) : null;
        if (tree is { IsAlive: false })
        {
            throw new ArgumentException($"no process {tree.RootPid} to measure");
        }

        var context = new StepContext(http, tree, settings.StallThreshold, settings.OriginLog, log);
        var origin = settings.Origin.AbsoluteUri.TrimEnd('/') + settings.Path;
        var started = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        log.WriteLine($"{settings.Scenario} on {settings.Name} ({settings.Target}), origin {origin}, open files {openFiles}");
        var steps = new List<StepResult>();
        foreach (var clients in settings.Clients)
        {
            var reps = new List<StepResult>();
            for (var rep = 0; rep < settings.Reps; rep++)
            {
                var result = await step(settings, clients, target, context);
                reps.Add(result);
                log.WriteLine(StepLine.Format(result));
            }

            // The repetition with the median throughput stands for the step; the others' rates are kept beside it.
            var median = reps.OrderBy(r => r.AggregateMBps).ElementAt(reps.Count / 2);
            steps.Add(reps.Count == 1 ? median : median with { RepetitionMBps = [.. reps.Select(r => r.AggregateMBps)] });
        }

        var report = new RunReport(
            settings.Name,
            settings.Scenario,
            settings.Target,
            origin,
            started,
            Environment.ProcessorCount,
            openFiles,
            settings.StallThreshold.TotalMilliseconds,
            argv,
            steps);
        if (settings.Out is { } path)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            await File.WriteAllTextAsync(path, JsonSerializer.Serialize(report, LoadJsonContext.Default.RunReport) + "\n");
            log.WriteLine($"wrote {path}");
        }

        return report;
    }
}
