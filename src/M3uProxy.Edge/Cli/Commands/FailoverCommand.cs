using System.CommandLine;
using M3uProxy.Edge.Api;
using M3uProxy.Edge.Cli.Output;

namespace M3uProxy.Edge.Cli.Commands;

/// <summary><c>failover ID</c> → <c>POST /streams/{id}/failover</c>: switch to the next backup URL now.</summary>
internal static class FailoverCommand
{
    public static Command Create(CommandRunner runner)
    {
        var id = StreamIdArgument.Create();
        var command = new Command("failover", "Switch a stream to its next failover URL now") { id };
        runner.SetAction(command, async (context, cancellationToken) =>
        {
            var streamId = context.Parse.GetRequiredValue(id);
            var answer = await context.Client.SendAsync(HttpMethod.Post, StreamIdArgument.Path(streamId, "/failover"), content: null, EdgeJsonContext.Api.FailoverResponse, StreamIdArgument.NotFound(streamId), cancellationToken);
            if (context.PrintedAsJson(answer))
            {
                return CliExitCodes.Success;
            }

            var failover = answer.Value;
            context.Out.WriteLine($"Failover triggered for {streamId}: now on {HumanFormat.Url(failover.NewUrl)}");
            new FieldList()
                .Add("failover index", HumanFormat.Number(failover.FailoverIndex))
                .Add("attempts", HumanFormat.Number(failover.FailoverAttempts))
                .Add("active clients", HumanFormat.Number(failover.ActiveClients))
                .Write(context.Out);
            return CliExitCodes.Success;
        });
        return command;
    }
}
