namespace M3uProxy.Edge.Coordination;

/// <summary>
/// The secret that authenticates calls between the instances of a cluster (relays, commands):
/// <c>CLUSTER_SECRET</c>, or one generated and shared through Redis. Null on a single instance
/// (no such calls) or while it cannot be read.
/// </summary>
internal interface IClusterSecret
{
    ValueTask<string?> GetAsync(CancellationToken cancellationToken);
}

/// <summary>A single instance: nobody may call it as a cluster member.</summary>
internal sealed class NoClusterSecret : IClusterSecret
{
    public ValueTask<string?> GetAsync(CancellationToken cancellationToken) => ValueTask.FromResult<string?>(null);
}
