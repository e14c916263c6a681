using System.CommandLine;
using M3uProxy.Edge.Api;
using M3uProxy.Edge.Cli.Output;

namespace M3uProxy.Edge.Cli.Commands;

/// <summary><c>list</c> → <c>GET /streams</c>: one line per stream.</summary>
internal static class ListCommand
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command("list", "List the streams the proxy knows");
        runner.SetAction(command, async (context, cancellationToken) =>
        {
            var answer = await context.Client.GetAsync("streams", EdgeJsonContext.Api.StreamListResponse, notFound: null, cancellationToken);
            if (context.PrintedAsJson(answer))
            {
                return CliExitCodes.Success;
            }

            var streams = answer.Value.Streams ?? [];
            StatsTables.WriteStreams(context.Out, streams);
            if (streams.Count > 0)
            {
                context.Out.WriteLine(streams.Count == 1 ? "1 stream" : $"{streams.Count} streams");
            }

            return CliExitCodes.Success;
        });
        return command;
    }
}
