using M3uProxy.Edge.Failover;
using M3uProxy.Edge.FanOut;
using M3uProxy.Edge.Streams;

namespace M3uProxy.Edge.Hosting;

/// <summary>
/// What feeds each new live channel. Today every stream reads its upstream through the retry and
/// failover state machine; transcoding wraps that source, and a cluster relay replaces it when
/// another instance owns the channel — each a line here, never an edit inside the fan-out.
/// </summary>
internal sealed class ChannelSourceChain(FailoverCoordinator failover) : IChannelSourceFactory
{
    public IChannelSource Create(StreamRecord stream) => failover.CreateChannelSource(stream);
}
