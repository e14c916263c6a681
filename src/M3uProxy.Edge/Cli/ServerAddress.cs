namespace M3uProxy.Edge.Cli;

/// <summary>
/// Where the management API lives: <c>--server</c> (default <c>http://localhost:8085</c>), plus
/// <c>ROOT_PATH</c> when the server URL has no path of its own. Every route also answers without
/// the prefix, so it only matters behind a reverse proxy that mounts the proxy under it.
/// </summary>
internal static class ServerAddress
{
    public const string Default = "http://localhost:8085";

    /// <summary><c>http://localhost:PORT</c> for the server's configured port, else <see cref="Default"/>.</summary>
    public static string Local(string? port)
        => int.TryParse(port?.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) && number is > 0 and <= 65535
            ? $"http://localhost:{number}"
            : Default;

    /// <summary>The API's base, always ending in <c>/</c> so relative paths resolve under it.</summary>
    public static Uri Resolve(string server, string? rootPath)
    {
        var text = server.Trim();
        if (!text.Contains("://", StringComparison.Ordinal))
        {
            text = "http://" + text;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.Host.Length == 0)
        {
            throw new CliException(CliExitCodes.Usage, $"--server must be an http:// or https:// URL, not '{server}'");
        }

        var path = uri.AbsolutePath.TrimEnd('/');
        if (path.Length == 0)
        {
            path = NormaliseRootPath(rootPath);
        }

        return new UriBuilder(uri) { Path = path + "/", Query = "", Fragment = "" }.Uri;
    }

    /// <summary>As the server reads <c>ROOT_PATH</c>: trimmed, a leading <c>/</c>, no trailing one; empty disables it.</summary>
    private static string NormaliseRootPath(string? rootPath)
    {
        var path = (rootPath ?? "").Trim().TrimEnd('/');
        return path.Length == 0 || path[0] == '/' ? path : "/" + path;
    }
}
