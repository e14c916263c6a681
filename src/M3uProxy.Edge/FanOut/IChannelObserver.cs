using M3uProxy.Edge.Streams;

namespace M3uProxy.Edge.FanOut;

/// <summary>
/// Told when a live channel starts, beside its data path (health watches, analysers). Called
/// under the registry's lock: start work and return at once; the work ends with
/// <see cref="LiveChannel.Stopping"/> or <see cref="LiveChannel.Completion"/>.
/// </summary>
internal interface IChannelObserver
{
    void ChannelStarted(LiveChannel channel, StreamRecord stream);
}
