namespace M3uProxy.Edge.Cli;

/// <summary>The CLI's exit codes, documented in docs/cli.md so scripts can tell failures apart.</summary>
internal static class CliExitCodes
{
    public const int Success = 0;

    /// <summary>The server answered with another error (4xx, 5xx) or something that is not m3u-proxy JSON.</summary>
    public const int ServerError = 1;

    /// <summary>Bad arguments (the same code the server uses for bad flags).</summary>
    public const int Usage = 2;

    /// <summary>No answer: connection refused, unknown host, TLS failure or timeout.</summary>
    public const int Unreachable = 3;

    /// <summary>401 or 403: a token is missing or wrong.</summary>
    public const int Unauthorized = 4;

    /// <summary>404: no such stream (or no such route on that server).</summary>
    public const int NotFound = 5;
}
