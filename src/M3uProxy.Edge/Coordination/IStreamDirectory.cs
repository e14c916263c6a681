using M3uProxy.Edge.Streams;

namespace M3uProxy.Edge.Coordination;

/// <summary>
/// Which streams exist across the cluster: the shareable part of each (<see cref="SharedStream"/>),
/// so a stream created on one instance can be played on any. The process-local records stay in
/// <c>IStreamRegistry</c>; on a single instance that registry is the whole truth and this
/// directory holds nothing (<see cref="LocalStreamDirectory"/>).
/// </summary>
internal interface IStreamDirectory
{
    /// <summary>Records a stream created or changed here; done when every instance can find it.</summary>
    ValueTask PublishAsync(SharedStream stream, CancellationToken cancellationToken);

    /// <summary>Forgets a stream removed here; the other instances end their copies.</summary>
    ValueTask RemoveAsync(string streamId, CancellationToken cancellationToken);

    /// <summary>A stream this instance does not hold, from the cluster; null when none has it.</summary>
    ValueTask<SharedStream?> FindAsync(string streamId, CancellationToken cancellationToken);

    /// <summary>Every stream of the cluster (empty on a single instance).</summary>
    ValueTask<IReadOnlyList<SharedStream>> ListAsync(CancellationToken cancellationToken);
}
