using M3uProxy.Edge.Coordination;
using M3uProxy.Edge.Failover;
using M3uProxy.Edge.FanOut;
using M3uProxy.Edge.Hls;
using M3uProxy.Edge.Streams;
using M3uProxy.Edge.Transcoding;

namespace M3uProxy.Edge.Hosting;

/// <summary>
/// What feeds each new live channel. A plain stream reads its upstream through the retry and
/// failover state machine; a transcoded stream wraps that same source in its transcoder (an HLS
/// source is read by ffmpeg from this proxy's own HLS route over loopback); a resolver stream
/// reads streamlink or yt-dlp. In a cluster, that local source runs only on the instance that owns
/// the channel; the others relay from it.
/// </summary>
internal sealed class ChannelSourceChain(FailoverCoordinator failover, TranscodingSources transcoding, LoopbackHls loopback, ProviderLimits limits, ClusterChannels cluster) : IChannelSourceFactory
{
    public IChannelSource Create(StreamRecord stream) => cluster.Create(stream, () => Local(stream));

    private IChannelSource Local(StreamRecord stream)
    {
        var input = stream.Definition.Transcode is not null && stream.Definition.SourceKind == StreamKind.Hls ? loopback.InputUrl(stream) : null;
        var source = transcoding.TryCreate(stream, () => failover.CreateChannelSource(stream), input, (reason, error) => failover.PublishFailed(stream, reason, error, 0))
            ?? failover.CreateChannelSource(stream);
        // A provider connection slot is held for the channel's life (PROVIDER_MAX_CONNECTIONS).
        return limits.Enabled ? new ProviderSlotChannelSource(source, limits, stream) : source;
    }
}
