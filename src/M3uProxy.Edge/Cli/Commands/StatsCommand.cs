using System.CommandLine;
using M3uProxy.Edge.Api;
using M3uProxy.Edge.Cli.Output;

namespace M3uProxy.Edge.Cli.Commands;

/// <summary><c>stats</c> → <c>GET /stats</c>: totals, then every stream and connected client.</summary>
internal static class StatsCommand
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command("stats", "Show totals, streams and connected clients");
        runner.SetAction(command, async (context, cancellationToken) =>
        {
            var answer = await context.Client.GetAsync("stats", EdgeJsonContext.Api.FullStatsResponse, notFound: null, cancellationToken);
            if (context.PrintedAsJson(answer))
            {
                return CliExitCodes.Success;
            }

            var stats = answer.Value;
            StatsTables.WriteSummary(context.Out, stats);
            context.Out.WriteLine();
            StatsTables.WriteStreams(context.Out, stats.Streams);
            context.Out.WriteLine();
            StatsTables.WriteClients(context.Out, stats.Clients, DateTimeOffset.UtcNow);
            return CliExitCodes.Success;
        });
        return command;
    }
}
