using M3uProxy.Edge.LoadTests.Cli;
using M3uProxy.Edge.LoadTests.Report;
using M3uProxy.Edge.LoadTests.Targets;

namespace M3uProxy.Edge.LoadTests.Scenarios;

/// <summary>
/// (4) Failover under load: N viewers on one live stream with a failover URL; during the window the
/// switch is requested every few seconds (<c>POST /streams/{id}/failover</c>). Viewers must keep
/// their response: stalls, drops and the largest read gap show what a switch costs them.
/// </summary>
internal static class FailoverScenario
{
    public static async Task<StepResult> RunStepAsync(RunSettings settings, int clients, PlaybackTarget target, StepContext context)
    {
        var stream = await target.ResolveAsync(settings.OriginUrl("source=primary"), [settings.OriginUrl("source=backup")], CancellationToken.None);
        var triggered = 0;
        var refused = 0;
        var plan = new StepPlan(clients, settings.Ramp, settings.Duration, (_, _) => stream)
        {
            EndIsDrop = true,
            During = async windowEnd =>
            {
                using var timer = new PeriodicTimer(settings.FailoverEvery);
                try
                {
                    while (await timer.WaitForNextTickAsync(windowEnd))
                    {
                        if (await target.TriggerFailoverAsync(stream, windowEnd))
                        {
                            triggered++;
                        }
                        else
                        {
                            refused++;
                        }
                    }
                }
                catch (OperationCanceledException)
                {
                    // the window closed
                }
            },
        };
        var result = await StepRunner.RunAsync(plan, context);
        return result with { FailoversTriggered = triggered, FailoverRequestsRefused = refused };
    }
}
