using M3uProxy.Edge.FanOut;

namespace M3uProxy.Edge.Coordination;

/// <summary>
/// The owner's upstream, read only while this instance holds the channel's lease: once the lease
/// is lost the next read ends the source (within one chunk of a flowing stream; a silent one ends
/// at its stall timeout), and the channel goes on as a relay from the new owner.
/// </summary>
internal sealed class LeasedByteSource(IByteSource inner, CancellationToken lost) : IByteSource
{
    public string Description => inner.Description;

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        => lost.IsCancellationRequested ? ValueTask.FromResult(0) : inner.ReadAsync(buffer, cancellationToken);

    public bool CanWaitForData => inner.CanWaitForData;

    public ValueTask WaitForDataAsync(CancellationToken cancellationToken)
        => lost.IsCancellationRequested ? ValueTask.CompletedTask : inner.WaitForDataAsync(cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
