using System.CommandLine;
using M3uProxy.Edge.Api;
using M3uProxy.Edge.Cli.Output;

namespace M3uProxy.Edge.Cli.Commands;

/// <summary><c>create URL [--failover URL…] [--user-agent UA] [--header k=v…] [--metadata k=v…]</c> → <c>POST /streams</c>.</summary>
internal static class CreateCommand
{
    public static Command Create(CommandRunner runner)
    {
        var url = new Argument<string>("url") { Description = "The upstream URL (http or https)" };
        var failover = new Option<string[]>("--failover")
        {
            Description = "Backup URL(s), tried in order when the primary fails (repeatable)",
            HelpName = "URL",
            AllowMultipleArgumentsPerToken = true,
        };
        var userAgent = new Option<string?>("--user-agent") { Description = "User-Agent sent upstream", HelpName = "UA" };
        var headers = PairsOption("--header", "Extra upstream request header (repeatable)");
        var metadata = PairsOption("--metadata", "Metadata stored with the stream (repeatable)");
        var command = new Command("create", "Register a stream (or get the existing one for that URL)") { url, failover, userAgent, headers, metadata };

        runner.SetAction(command, async (context, cancellationToken) =>
        {
            var parse = context.Parse;
            var failoverUrls = parse.GetValue(failover);
            var body = new CreateStreamBody(
                parse.GetRequiredValue(url),
                failoverUrls is { Length: > 0 } ? failoverUrls : null,
                parse.GetValue(userAgent),
                ToDictionary(parse.GetValue(headers)),
                ToDictionary(parse.GetValue(metadata)));
            using var content = JsonContent.Create(body, CliJsonContext.Default.CreateStreamBody);
            var answer = await context.Client.SendAsync(HttpMethod.Post, "streams", content, EdgeJsonContext.Api.CreateStreamResponse, notFound: null, cancellationToken);
            if (context.PrintedAsJson(answer))
            {
                return CliExitCodes.Success;
            }

            var created = answer.Value;
            context.Out.WriteLine($"Stream {created.StreamId} ({created.StreamType})");
            new FieldList()
                .Add("url", HumanFormat.Url(created.PrimaryUrl))
                .Add("failover", created.FailoverUrls is { Count: > 0 } urls ? string.Join(", ", urls.Select(HumanFormat.Url)) : "-")
                .Add("user agent", created.UserAgent ?? "-")
                .Add("metadata", HumanFormat.Pairs(created.Metadata))
                .Add("playback", context.Client.DisplayAddress + created.StreamEndpoint)
                .Write(context.Out);
            return CliExitCodes.Success;
        });
        return command;
    }

    /// <summary>A repeatable <c>key=value</c> option; anything without a key and an <c>=</c> is a usage error.</summary>
    private static Option<string[]> PairsOption(string name, string description)
    {
        var option = new Option<string[]>(name) { Description = description, HelpName = "KEY=VALUE" };
        option.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                if (token.Value.IndexOf('=', StringComparison.Ordinal) <= 0)
                {
                    result.AddError($"{name} takes KEY=VALUE, not '{token.Value}'");
                }
            }
        });
        return option;
    }

    private static Dictionary<string, string>? ToDictionary(string[]? pairs)
    {
        if (pairs is not { Length: > 0 })
        {
            return null;
        }

        var dictionary = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            dictionary[pair[..equals]] = pair[(equals + 1)..];
        }

        return dictionary;
    }
}
