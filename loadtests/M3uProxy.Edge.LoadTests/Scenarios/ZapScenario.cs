using M3uProxy.Edge.LoadTests.Cli;
using M3uProxy.Edge.LoadTests.Report;
using M3uProxy.Edge.LoadTests.Targets;

namespace M3uProxy.Edge.LoadTests.Scenarios;

/// <summary>
/// (3) Zapping: N viewers rotate through C live channels, each staying a few seconds; viewer i's
/// k-th channel is (i + k) mod C, so channels keep starting and emptying. Time to first byte is
/// the zap time.
/// </summary>
internal static class ZapScenario
{
    public static async Task<StepResult> RunStepAsync(RunSettings settings, int clients, PlaybackTarget target, StepContext context)
    {
        var channels = new PlaybackUrl[settings.Channels];
        for (var c = 0; c < channels.Length; c++)
        {
            channels[c] = await target.ResolveAsync(settings.OriginUrl($"channel={c}"), [], CancellationToken.None);
        }

        var plan = new StepPlan(clients, settings.Ramp, settings.Duration, (client, attempt) => channels[(client + attempt) % channels.Length])
        {
            SwitchEvery = settings.SwitchEvery,
            EndIsDrop = true,
        };
        return await StepRunner.RunAsync(plan, context);
    }
}
