using M3uProxy.Edge.FanOut;
using M3uProxy.Edge.Streams;
using M3uProxy.Edge.Tools;
using M3uProxy.Edge.Transcoding.Resolvers;

namespace M3uProxy.Edge.Transcoding;

/// <summary>The channel sources of transcoded and resolver streams, for the channel-source chain.</summary>
internal sealed class TranscodingSources(ToolPaths paths, ProcessLedger ledger, TranscodeSessions sessions, TranscodingOptions options, ResolverTools resolvers, TimeProvider time, ILoggerFactory loggers)
{
    /// <summary>
    /// A transcoder around <paramref name="failover"/> (the stream's own bytes), a resolver, or
    /// null for a plain stream. <paramref name="failed"/> publishes <c>stream_failed</c>.
    /// </summary>
    /// <param name="stream">The stream the channel is for.</param>
    /// <param name="failover">Makes the stream's own failover source (what ffmpeg reads on stdin).</param>
    /// <param name="inputUrl">For an HLS source: the proxy's own HLS route of the stream, which ffmpeg reads instead of stdin.</param>
    /// <param name="failed">Publishes <c>stream_failed</c> with a transcode reason.</param>
    public IChannelSource? TryCreate(StreamRecord stream, Func<IChannelSource> failover, string? inputUrl, Action<string, Exception?> failed)
    {
        var definition = stream.Definition;
        if (definition.Resolver is { } resolver)
        {
            return new ResolverChannelSource(stream, resolver, resolvers, ledger, options, failed, time, loggers.CreateLogger<ResolverChannelSource>());
        }

        if (definition.Transcode is { } spec)
        {
            return new TranscodingChannelSource(inputUrl is null ? failover() : null, inputUrl, stream, spec, paths, ledger, sessions, options, failed, time, loggers.CreateLogger<TranscodingChannelSource>());
        }

        return null;
    }
}
