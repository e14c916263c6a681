using System.CommandLine;

namespace M3uProxy.Edge.Cli;

/// <summary>The options every client command takes: where the server is, the token, JSON output, the timeout.</summary>
internal sealed class GlobalOptions
{
    /// <summary>The names <see cref="CliApp.Handles"/> recognises before a command (<c>m3u-proxy --server … list</c>).</summary>
    public static readonly string[] Names = ["--server", "--token", "--json", "--timeout"];

    public Option<string> Server { get; } = new("--server")
    {
        Description = "The proxy's address; ROOT_PATH is appended when set and the URL has no path",
        HelpName = "URL",
        Recursive = true,
        DefaultValueFactory = _ => ServerAddress.Default,
    };

    public Option<string?> Token { get; } = new("--token")
    {
        Description = "API token sent as X-API-Token [default: $API_TOKEN]",
        HelpName = "TOKEN",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Print the server's JSON answer instead of text (for scripts)",
        Recursive = true,
    };

    public Option<double> Timeout { get; } = new("--timeout")
    {
        Description = "Seconds to wait for the server",
        HelpName = "SECONDS",
        Recursive = true,
        DefaultValueFactory = _ => 10,
    };

    public GlobalOptions()
    {
        Timeout.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() is not (> 0 and <= 3600))
            {
                result.AddError("--timeout must be between 0 and 3600 seconds");
            }
        });
    }

    public void AddTo(Command root)
    {
        root.Add(Server);
        root.Add(Token);
        root.Add(Json);
        root.Add(Timeout);
    }

    /// <summary>
    /// A client for the parsed options; the token, <c>ROOT_PATH</c> and (without <c>--server</c>)
    /// the port fall back to the environment and the <c>.env</c> file, as the server reads them.
    /// </summary>
    public ManagementClient CreateClient(ParseResult parse, CliConsole console)
    {
        var server = parse.GetResult(Server) is { Implicit: false } ? parse.GetValue(Server)! : ServerAddress.Local(console.GetEnvironmentVariable("M3U_PROXY_PORT") ?? console.GetEnvironmentVariable("PORT"));
        var baseAddress = ServerAddress.Resolve(server, console.GetEnvironmentVariable("ROOT_PATH"));
        var token = parse.GetValue(Token) ?? console.GetEnvironmentVariable("API_TOKEN");
        return new ManagementClient(baseAddress, token, TimeSpan.FromSeconds(parse.GetValue(Timeout)));
    }
}
