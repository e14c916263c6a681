using M3uProxy.Edge.Streams;

namespace M3uProxy.Edge.Coordination;

/// <summary>The single-instance directory: nothing to share, the local registry holds every stream.</summary>
internal sealed class LocalStreamDirectory : IStreamDirectory
{
    public ValueTask PublishAsync(SharedStream stream, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask RemoveAsync(string streamId, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask<SharedStream?> FindAsync(string streamId, CancellationToken cancellationToken) => ValueTask.FromResult<SharedStream?>(null);

    public ValueTask<IReadOnlyList<SharedStream>> ListAsync(CancellationToken cancellationToken) => ValueTask.FromResult<IReadOnlyList<SharedStream>>([]);
}
