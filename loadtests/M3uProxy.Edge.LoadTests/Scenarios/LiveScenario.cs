using M3uProxy.Edge.LoadTests.Cli;
using M3uProxy.Edge.LoadTests.Report;
using M3uProxy.Edge.LoadTests.Targets;

namespace M3uProxy.Edge.LoadTests.Scenarios;

/// <summary>
/// (2) N viewers of ONE real-time channel (the pacer). Stalls, drops, per-viewer rate, time to first
/// byte, and memory per viewer beyond the channel's shared buffer (an uncounted anchor viewer holds
/// the channel open before the memory baseline is taken).
/// </summary>
internal static class LiveScenario
{
    public static async Task<StepResult> RunStepAsync(RunSettings settings, int clients, PlaybackTarget target, StepContext context)
    {
        var channel = await target.ResolveAsync(settings.OriginUrl(""), [], CancellationToken.None);
        var plan = new StepPlan(clients, settings.Ramp, settings.Duration, (_, _) => channel)
        {
            EndIsDrop = true,
            Anchor = channel,
        };
        return await StepRunner.RunAsync(plan, context);
    }
}
