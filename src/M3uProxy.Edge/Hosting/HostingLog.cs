namespace M3uProxy.Edge.Hosting;

/// <summary>Start-up log messages (ids 0xx; the banner and its warnings 90x).</summary>
internal static partial class HostingLog
{
    [LoggerMessage(1, LogLevel.Warning, "Configured but not active in this build (running alone, in memory): {Capabilities}")]
    public static partial void CapabilitiesInactive(ILogger logger, string capabilities);

    [LoggerMessage(2, LogLevel.Information, "m3u-proxy {Version} (API {ApiVersion}) listening on {Addresses}; root path {RootPath}; auth {Auth}")]
    public static partial void Listening(ILogger logger, string version, string apiVersion, string addresses, string rootPath, string auth);

    [LoggerMessage(3, LogLevel.Information, "State: {Facts}")]
    public static partial void Features(ILogger logger, string facts);

    [LoggerMessage(4, LogLevel.Warning, "The management API is reachable from the network on {Address} without a token: anyone who can reach this port can list, create and delete streams. Set API_TOKEN, or HOST=127.0.0.1 if only this machine needs it")]
    public static partial void ManagementOpen(ILogger logger, string address);
}
