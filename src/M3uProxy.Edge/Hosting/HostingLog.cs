namespace M3uProxy.Edge.Hosting;

/// <summary>Start-up log messages (ids 0xx).</summary>
internal static partial class HostingLog
{
    [LoggerMessage(1, LogLevel.Warning, "Configured but not active in this build (running alone, in memory): {Capabilities}")]
    public static partial void CapabilitiesInactive(ILogger logger, string capabilities);
}
