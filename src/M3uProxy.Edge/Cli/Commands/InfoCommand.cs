using System.CommandLine;
using M3uProxy.Edge.Api;
using M3uProxy.Edge.Cli.Output;

namespace M3uProxy.Edge.Cli.Commands;

/// <summary><c>info ID</c> → <c>GET /streams/{id}</c>: the stream's details and its connected clients.</summary>
internal static class InfoCommand
{
    public static Command Create(CommandRunner runner)
    {
        var id = StreamIdArgument.Create();
        var command = new Command("info", "Show one stream and its connected clients") { id };
        runner.SetAction(command, async (context, cancellationToken) =>
        {
            var streamId = context.Parse.GetRequiredValue(id);
            var answer = await context.Client.GetAsync(StreamIdArgument.Path(streamId), EdgeJsonContext.Api.StreamDetailResponse, StreamIdArgument.NotFound(streamId), cancellationToken);
            if (context.PrintedAsJson(answer))
            {
                return CliExitCodes.Success;
            }

            var stream = answer.Value.Stream;
            context.Out.WriteLine($"Stream {stream.StreamId} ({stream.StreamType})");
            new FieldList()
                .Add("url", HumanFormat.Url(stream.OriginalUrl))
                .Add("current url", HumanFormat.Url(stream.CurrentUrl ?? stream.OriginalUrl))
                .Add("failover", Failover(stream))
                .Add("state", StatsTables.SourceState(stream))
                .Add("media", StatsTables.Media(stream.MediaInfo, full: true))
                .Add("user agent", stream.UserAgent ?? "-")
                .Add("headers", stream.Headers is { Count: > 0 } headers ? string.Join(", ", headers.Keys) : "-")
                .Add("metadata", HumanFormat.Pairs(stream.Metadata))
                .Add("clients", HumanFormat.Number(answer.Value.ClientCount))
                .Add("served", $"{HumanFormat.Bytes(stream.TotalBytesServed)}, {HumanFormat.Number(stream.TotalSegmentsServed)} segments")
                .Add("errors", HumanFormat.Number(stream.ErrorCount))
                .Add("created", HumanFormat.Timestamp(stream.CreatedAt))
                .Add("last access", HumanFormat.Timestamp(stream.LastAccess))
                .Write(context.Out);
            context.Out.WriteLine();
            StatsTables.WriteClients(context.Out, answer.Value.Clients, DateTimeOffset.UtcNow);
            return CliExitCodes.Success;
        });
        return command;
    }

    /// <summary>The backup URLs and where the stream stands among them (index -1 = still on the primary).</summary>
    private static string Failover(Api.Models.StreamStats stream)
    {
        if (stream.FailoverResolverUrl is { Length: > 0 } resolver)
        {
            return $"resolver {HumanFormat.Url(resolver)}, {stream.FailoverAttempts} attempts";
        }

        if (stream.FailoverUrls is not { Count: > 0 } urls)
        {
            return "-";
        }

        var position = stream.CurrentFailoverIndex < 0 ? "on the primary" : $"on backup {stream.CurrentFailoverIndex + 1}";
        return $"{string.Join(", ", urls.Select(HumanFormat.Url))} ({position}, {stream.FailoverAttempts} attempts)";
    }
}
