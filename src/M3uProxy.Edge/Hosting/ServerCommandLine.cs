namespace M3uProxy.Edge.Hosting;

/// <summary>
/// The bare binary's flags, as the reference's <c>main.py</c>: <c>--port</c>, <c>--host</c>,
/// <c>--debug</c> (and <c>--reload</c>, accepted and ignored), optionally after <c>serve</c>.
/// They win over the environment. The client commands are <see cref="Cli.CliApp"/>'s.
/// </summary>
internal sealed record ServerCommandLine(Dictionary<string, string> Overrides, bool ShowHelp, bool ShowVersion, string? Error)
{
    public const string Usage = """
        Usage: m3u-proxy [serve] [--host ADDRESS] [--port PORT] [--debug]
               m3u-proxy COMMAND [--server URL] [--token TOKEN] [--json] ...

        An IPTV HTTP proxy compatible with m3u-proxy. Configuration comes from environment
        variables (and a .env file in the working directory); see docs/configuration.md.

          --host ADDRESS   address to listen on (overrides M3U_PROXY_HOST / HOST)
          --port PORT      port to listen on (overrides M3U_PROXY_PORT / PORT)
          --debug          log at debug level (overrides LOG_LEVEL)
          --version        print the version
          --help           print this help

        Commands, talking to a running proxy (default http://localhost:8085, token from
        API_TOKEN; 'm3u-proxy COMMAND --help' for details, docs/cli.md):
          create URL       register a stream (--failover URL, --user-agent, --header k=v, --metadata k=v)
          list             list streams
          info ID          one stream and its clients
          delete ID        delete a stream
          failover ID      switch a stream to its next failover URL
          stats            totals, streams and clients
          health           the server's health
          monitor          live table of streams, clients and bandwidth (--once for one frame)
        """;

    public static ServerCommandLine Parse(IReadOnlyList<string> args)
    {
        var overrides = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        // `m3u-proxy serve …` is the same as `m3u-proxy …`.
        for (var i = args is ["serve", ..] ? 1 : 0; i < args.Count; i++)
        {
            var (flag, inlineValue) = Split(args[i]);
            switch (flag)
            {
                case "--help" or "-h":
                    return new(overrides, ShowHelp: true, ShowVersion: false, Error: null);
                case "--version":
                    return new(overrides, ShowHelp: false, ShowVersion: true, Error: null);
                case "--debug":
                    overrides["LOG_LEVEL"] = "DEBUG";
                    break;
                case "--reload":
                    break;
                case "--port" or "--host":
                    var value = inlineValue ?? (i + 1 < args.Count ? args[++i] : null);
                    if (value is null)
                    {
                        return Failed(overrides, $"{flag} needs a value");
                    }

                    overrides[flag == "--port" ? "PORT" : "HOST"] = value;
                    break;
                default:
                    return Failed(overrides, $"unknown argument '{args[i]}'");
            }
        }

        return new(overrides, ShowHelp: false, ShowVersion: false, Error: null);
    }

    private static ServerCommandLine Failed(Dictionary<string, string> overrides, string error)
        => new(overrides, ShowHelp: false, ShowVersion: false, Error: error);

    private static (string Flag, string? Value) Split(string arg)
    {
        var equals = arg.IndexOf('=', StringComparison.Ordinal);
        return arg.StartsWith("--", StringComparison.Ordinal) && equals > 0 ? (arg[..equals], arg[(equals + 1)..]) : (arg, null);
    }
}
