using M3uProxy.Edge.LoadTests.Cli;
using M3uProxy.Edge.LoadTests.Report;
using M3uProxy.Edge.LoadTests.Targets;

namespace M3uProxy.Edge.LoadTests.Scenarios;

/// <summary>
/// (1) N clients download a large file as fast as they can, each with its own upstream
/// (<c>?client=i</c>), starting the next download when one ends. Throughput and CPU per GB.
/// </summary>
internal static class DownloadScenario
{
    public static async Task<StepResult> RunStepAsync(RunSettings settings, int clients, PlaybackTarget target, StepContext context)
    {
        var urls = new PlaybackUrl[clients];
        for (var i = 0; i < clients; i++)
        {
            urls[i] = await target.ResolveAsync(settings.OriginUrl($"client={i}"), [], CancellationToken.None);
        }

        var plan = new StepPlan(clients, settings.Ramp, settings.Duration, (client, _) => urls[client]);
        return await StepRunner.RunAsync(plan, context);
    }
}
