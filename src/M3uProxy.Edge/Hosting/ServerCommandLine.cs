namespace M3uProxy.Edge.Hosting;

/// <summary>
/// The bare binary's flags, as the reference's <c>main.py</c>: <c>--port</c>, <c>--host</c>,
/// <c>--debug</c> (and <c>--reload</c>, accepted and ignored). They win over the environment.
/// </summary>
internal sealed record ServerCommandLine(Dictionary<string, string> Overrides, bool ShowHelp, bool ShowVersion, string? Error)
{
    public const string Usage = """
        Usage: m3u-proxy [--host ADDRESS] [--port PORT] [--debug]

        An IPTV HTTP proxy compatible with m3u-proxy. Configuration comes from environment
        variables (and a .env file in the working directory); see docs/configuration.md.

          --host ADDRESS   address to listen on (overrides M3U_PROXY_HOST / HOST)
          --port PORT      port to listen on (overrides M3U_PROXY_PORT / PORT)
          --debug          log at debug level (overrides LOG_LEVEL)
          --version        print the version
          --help           print this help
        """;

    public static ServerCommandLine Parse(IReadOnlyList<string> args)
    {
        var overrides = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Count; i++)
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
