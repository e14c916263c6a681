namespace M3uProxy.Edge.Events;

/// <summary>The six event types of the reference (seed-spec §11.1).</summary>
internal enum EventType
{
    StreamStarted,
    StreamStopped,
    StreamFailed,
    ClientConnected,
    ClientDisconnected,
    FailoverTriggered,
}

internal static class EventTypeNames
{
    public static IReadOnlyList<EventType> All { get; } = Enum.GetValues<EventType>();

    /// <summary>The wire value (<c>stream_started</c> …).</summary>
    public static string ToWire(this EventType type) => type switch
    {
        EventType.StreamStarted => "stream_started",
        EventType.StreamStopped => "stream_stopped",
        EventType.StreamFailed => "stream_failed",
        EventType.ClientConnected => "client_connected",
        EventType.ClientDisconnected => "client_disconnected",
        EventType.FailoverTriggered => "failover_triggered",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static bool TryParse(string wire, out EventType type)
    {
        foreach (var candidate in All)
        {
            if (candidate.ToWire() == wire)
            {
                type = candidate;
                return true;
            }
        }

        type = default;
        return false;
    }
}
