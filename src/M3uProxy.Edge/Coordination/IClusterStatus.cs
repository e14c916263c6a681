namespace M3uProxy.Edge.Coordination;

/// <summary>How this instance stands in its cluster, for <c>/info</c>, <c>/health</c> and logs.</summary>
internal interface IClusterStatus
{
    ClusterState Current { get; }
}

/// <summary>
/// Whether Redis coordination is on and reachable, who this instance is, and what it sees of the
/// others (instances with a live presence key; null when unknown).
/// </summary>
internal sealed record ClusterState(bool RedisEnabled, bool RedisConnected, string WorkerId, int? Instances);
