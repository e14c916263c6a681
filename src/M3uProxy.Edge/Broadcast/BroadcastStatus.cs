namespace M3uProxy.Edge.Broadcast;

/// <summary>The reference's status values (seed-spec §13.2).</summary>
internal enum BroadcastStatus
{
    Starting,
    Running,
    Stopping,
    Stopped,
    Failed,
}

internal static class BroadcastStatusNames
{
    public static string ToWire(this BroadcastStatus status) => status switch
    {
        BroadcastStatus.Starting => "starting",
        BroadcastStatus.Running => "running",
        BroadcastStatus.Stopping => "stopping",
        BroadcastStatus.Stopped => "stopped",
        _ => "failed",
    };
}
