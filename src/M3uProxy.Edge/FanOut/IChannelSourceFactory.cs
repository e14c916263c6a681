using M3uProxy.Edge.Streams;

namespace M3uProxy.Edge.FanOut;

/// <summary>
/// Chooses what feeds a new live channel: the failover state machine today; a transcoder or a
/// relay from another instance are other factories' choices. Wired in <c>Hosting/</c>, so the
/// fan-out never knows which policy feeds it.
/// </summary>
internal interface IChannelSourceFactory
{
    IChannelSource Create(StreamRecord stream);
}
