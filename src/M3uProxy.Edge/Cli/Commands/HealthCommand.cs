using System.CommandLine;
using M3uProxy.Edge.Api;
using M3uProxy.Edge.Cli.Output;

namespace M3uProxy.Edge.Cli.Commands;

/// <summary><c>health</c> → <c>GET /health</c>; exits 1 unless the server says it is healthy.</summary>
internal static class HealthCommand
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command("health", "Check the server's health (exit code 0 when healthy)");
        runner.SetAction(command, async (context, cancellationToken) =>
        {
            var answer = await context.Client.GetAsync("health", EdgeJsonContext.Api.HealthResponse, notFound: null, cancellationToken);
            var health = answer.Value;
            if (!context.PrintedAsJson(answer))
            {
                context.Out.WriteLine($"{health.Status} at {context.Client.DisplayAddress} (API {health.Version}, root path '{health.RootPath}')");
                new FieldList()
                    .Add("uptime", HumanFormat.Duration(health.UptimeSeconds))
                    .Add("active streams", HumanFormat.Number(health.ActiveStreams))
                    .Add("active clients", HumanFormat.Number(health.ActiveClients))
                    .Add("served", HumanFormat.Bytes(health.TotalBytesServed))
                    .Write(context.Out);
            }

            return health.Status == "healthy" ? CliExitCodes.Success : CliExitCodes.ServerError;
        });
        return command;
    }
}
