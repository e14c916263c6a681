using M3uProxy.Edge.Events;

namespace M3uProxy.Edge.Coordination;

/// <summary>
/// Whether an event that happened here is the cluster's to announce. A stream stops for the
/// cluster when its last viewer anywhere leaves: an instance whose own last viewer leaves (or that
/// reaps or shuts down its copy) while another instance still has viewers does not announce
/// <c>stream_stopped</c>; the last one does. On a single instance every event is announced.
/// </summary>
internal interface IStreamAnnouncements
{
    ValueTask<bool> ShouldAnnounceAsync(ProxyEvent proxyEvent, CancellationToken cancellationToken);
}

/// <summary>A single instance announces what happens on it.</summary>
internal sealed class AnnounceEverything : IStreamAnnouncements
{
    public ValueTask<bool> ShouldAnnounceAsync(ProxyEvent proxyEvent, CancellationToken cancellationToken) => ValueTask.FromResult(true);
}
