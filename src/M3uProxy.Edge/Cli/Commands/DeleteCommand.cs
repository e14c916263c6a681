using System.CommandLine;
using M3uProxy.Edge.Api;

namespace M3uProxy.Edge.Cli.Commands;

/// <summary><c>delete ID</c> → <c>DELETE /streams/{id}</c>: ends its viewers and forgets it.</summary>
internal static class DeleteCommand
{
    public static Command Create(CommandRunner runner)
    {
        var id = StreamIdArgument.Create();
        var command = new Command("delete", "Delete a stream, disconnecting its clients") { id };
        runner.SetAction(command, async (context, cancellationToken) =>
        {
            var streamId = context.Parse.GetRequiredValue(id);
            var answer = await context.Client.SendAsync(HttpMethod.Delete, StreamIdArgument.Path(streamId), content: null, EdgeJsonContext.Api.MessageResponse, StreamIdArgument.NotFound(streamId), cancellationToken);
            if (!context.PrintedAsJson(answer))
            {
                context.Out.WriteLine(answer.Value.Message);
            }

            return CliExitCodes.Success;
        });
        return command;
    }
}
