namespace M3uProxy.Edge.Coordination;

/// <summary>One instance, no Redis.</summary>
internal sealed class LocalClusterStatus(InstanceInfo self) : IClusterStatus
{
    public ClusterState Current { get; } = new(false, false, self.WorkerId, 1);
}
