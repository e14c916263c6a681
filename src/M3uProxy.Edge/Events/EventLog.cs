namespace M3uProxy.Edge.Events;

/// <summary>Event-bus log messages (ids 4xx).</summary>
internal static partial class EventLog
{
    [LoggerMessage(400, LogLevel.Debug, "Event {EventType} for stream {StreamId}")]
    public static partial void Published(ILogger logger, string eventType, string streamId);

    [LoggerMessage(401, LogLevel.Warning, "Event subscriber {Subscriber} is full; dropped a {EventType} event ({Dropped} dropped so far)")]
    public static partial void SubscriberFull(ILogger logger, string subscriber, string eventType, long dropped);
}
