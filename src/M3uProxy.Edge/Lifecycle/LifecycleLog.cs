namespace M3uProxy.Edge.Lifecycle;

/// <summary>Client and stream lifecycle log messages (ids 2xx).</summary>
internal static partial class LifecycleLog
{
    [LoggerMessage(200, LogLevel.Information, "Client {ClientId} connected to stream {StreamId} ({ClientCount} clients)")]
    public static partial void ClientConnected(ILogger logger, string clientId, string streamId, int clientCount);

    [LoggerMessage(201, LogLevel.Information, "Client {ClientId} left stream {StreamId} after {BytesServed} bytes")]
    public static partial void ClientDisconnected(ILogger logger, string clientId, string streamId, long bytesServed);

    [LoggerMessage(202, LogLevel.Information, "Stream {StreamId} stopped: {Reason}")]
    public static partial void StreamStopped(ILogger logger, string streamId, string reason);

    [LoggerMessage(203, LogLevel.Information, "Stream {StreamId} removed: {Reason}")]
    public static partial void StreamRemoved(ILogger logger, string streamId, string reason);

    [LoggerMessage(204, LogLevel.Debug, "Reaper: {Clients} idle clients and {Streams} idle streams removed")]
    public static partial void Reaped(ILogger logger, int clients, int streams);

    [LoggerMessage(205, LogLevel.Warning, "Client {ClientId} has received no data for {Seconds} s")]
    public static partial void ClientIdleWarning(ILogger logger, string clientId, long seconds);

    [LoggerMessage(206, LogLevel.Error, "Client {ClientId} has received no data for {Seconds} s")]
    public static partial void ClientIdleError(ILogger logger, string clientId, long seconds);

    [LoggerMessage(207, LogLevel.Information, "Shutting down: ending {Streams} streams")]
    public static partial void ShuttingDown(ILogger logger, int streams);

    // The exception as masked text: its message could carry an upstream URL with credentials.
    [LoggerMessage(208, LogLevel.Error, "Reaper sweep failed: {Error}")]
    public static partial void ReaperFailed(ILogger logger, string error);
}
