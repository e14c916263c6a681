using System.Buffers;
using M3uProxy.Edge.Clients;
using M3uProxy.Edge.Configuration;
using M3uProxy.Edge.FanOut;
using M3uProxy.Edge.Http;
using M3uProxy.Edge.Metrics;
using M3uProxy.Edge.Streams;

namespace M3uProxy.Edge.Playback;

/// <summary>
/// Serves one viewer of a live stream from the channel's shared buffer: join (maybe starting the
/// upstream), wait for the first bytes (502/504 if they never come), then copy from the viewer's
/// cursor to its socket until it leaves or the stream ends.
/// </summary>
internal sealed partial class LiveDelivery
{
    /// <summary>How long a direct response that ended waits for its client to close the connection (it has read the whole body then).</summary>
    private static readonly TimeSpan _endLinger = TimeSpan.FromSeconds(10);

    private readonly LiveChannelRegistry _channels;
    private readonly ViewerWatchdog _watchdog;
    private readonly TimeProvider _time;
    private readonly ILogger<LiveDelivery> _logger;
    private readonly long _burstBytes;
    private readonly bool _skipLaggards;
    private readonly long _strictPrebufferBytes;
    private readonly TimeSpan _strictPrebufferTimeout;

    private readonly ProxyMetrics _metrics;

    // Null when LIVE_DIRECT_SEND is off.
    private readonly DirectSendBuffers? _directSend;

    public LiveDelivery(LiveChannelRegistry channels, ViewerWatchdog watchdog, ProxySettings settings, TimeProvider time, ILogger<LiveDelivery> logger, ProxyMetrics metrics, DirectSendBuffers directSendBuffers)
    {
        _metrics = metrics;
        _channels = channels;
        _watchdog = watchdog;
        _time = time;
        _logger = logger;
        _burstBytes = settings.LiveJoinBurstBytes;
        _skipLaggards = settings.LiveSlowClientPolicy == "skip";
        _strictPrebufferBytes = settings.StrictLiveTsPrebufferSize;
        _strictPrebufferTimeout = TimeSpan.FromSeconds(settings.StrictLiveTsPrebufferTimeoutSeconds);
        _directSend = settings.LiveDirectSend ? directSendBuffers : null;
    }

    public async Task ServeAsync(HttpContext context, StreamRecord stream, ClientRecord client, CancellationToken cancellationToken)
    {
        DirectChunkedResponse? direct = null;
        try
        {
            var (channel, reader, programHeader) = _channels.Join(stream, client.Identity);
            try
            {
                var start = await channel.Started.WaitAsync(cancellationToken);
                if (!start.Started && channel.Buffer.Published == 0)
                {
                    await UpstreamErrorResult.WriteAsync(context.Response, start.Error);
                    return;
                }

                var strict = stream.Definition.StrictLiveTs;
                if (strict)
                {
                    await PrebufferAsync(channel.Buffer, reader, cancellationToken);
                }

                var url = stream.EffectiveUrl;
                var contentType = MediaContentType.ForLiveStream(stream.Definition, url) ?? (channel.Buffer.IsTransportStream ? MediaContentType.MpegTs : MediaContentType.Fallback);
                context.Response.StatusCode = StatusCodes.Status200OK;
                PlaybackHeaders.Apply(context.Response, contentType, acceptRanges: false);
                if (strict)
                {
                    context.Response.Headers.Connection = "keep-alive";
                }

                direct = _directSend is null ? null : DirectChunkedResponse.TryStart(context, _directSend);
                if (direct is null)
                {
                    await context.Response.StartAsync(cancellationToken);
                }

                if (!programHeader.IsEmpty)
                {
                    // A keyframe join: the PAT and PMT first, so the player knows the program before the picture.
                    if (direct is null)
                    {
                        context.Response.BodyWriter.Write(programHeader.Span);
                    }
                    else
                    {
                        direct.Write(programHeader);
                    }

                    client.AddBytes(programHeader.Length, _time.GetUtcNow());
                    stream.AddBytes(programHeader.Length);
                }

                await CopyToViewerAsync(context, direct, channel.Buffer, reader, stream, client, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The viewer left, or the stream was removed.
            }
            finally
            {
                _channels.Leave(channel, reader, client.Identity);
                if (reader.Skips > 0)
                {
                    Log.ViewerSkipped(_logger, client.ClientId, stream.Id, reader.Skips, reader.SkippedBytes);
                }
            }

            if (direct is not null && !context.RequestAborted.IsCancellationRequested)
            {
                // The stream ended or was removed, or the viewer was cut for lagging: the body ends
                // properly, as Kestrel ends its own responses.
                await direct.EndAsync(_endLinger, context.RequestAborted);
            }
        }
        finally
        {
            direct?.Dispose();
        }
    }

    /// <summary>
    /// Strict live TS (Kodi): hold the first byte until <c>STRICT_LIVE_TS_PREBUFFER_SIZE</c> bytes are
    /// buffered ahead of this viewer, at most <c>STRICT_LIVE_TS_PREBUFFER_TIMEOUT</c>, so the player's
    /// probe sees a full start instead of a trickle (the reference's pre-buffer buffers nothing).
    /// </summary>
    private async Task PrebufferAsync(FanOutBuffer buffer, FanOutReader reader, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_strictPrebufferTimeout);
        buffer.ReadAhead(reader, _strictPrebufferBytes);
        try
        {
            while (buffer.Published - reader.Position < _strictPrebufferBytes && buffer.TryRead(reader, out _) is FanOutReadStatus.Data or FanOutReadStatus.Empty)
            {
                await reader.WaitForDataAsync(deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Timed out: start with what there is.
        }
    }

    private async Task CopyToViewerAsync(HttpContext context, DirectChunkedResponse? direct, FanOutBuffer buffer, FanOutReader reader, StreamRecord stream, ClientRecord client, CancellationToken cancellationToken)
    {
        var writer = context.Response.BodyWriter;
        var served = new ServedBytes(client, stream, _metrics, _time);
        var progress = _watchdog.Watch(context);
        try
        {
            while (true)
            {
                switch (buffer.TryRead(reader, out var data))
                {
                    case FanOutReadStatus.Data:
                        if (direct is null)
                        {
                            writer.Write(data.Span);
                        }
                        else
                        {
                            direct.Write(data);
                        }

                        if (!buffer.IsIntact(reader.Position))
                        {
                            // Overtaken by the writer during the copy: never send a torn packet.
                            Log.ViewerOvertaken(_logger, client.ClientId, stream.Id);
                            context.Abort();
                            return;
                        }

                        buffer.Advance(reader, data.Length);
                        progress.Begin();
                        // A direct send under way finishes even when the stream is removed, so the body still ends between chunks.
                        var open = direct is null ? IsOpen(await writer.FlushAsync(cancellationToken)) : await direct.FlushAsync(context.RequestAborted);
                        progress.End();
                        served.Add(data.Length);
                        if (!open)
                        {
                            return;
                        }

                        break;
                    case FanOutReadStatus.Empty:
                        await reader.WaitForDataAsync(cancellationToken);
                        break;
                    case FanOutReadStatus.Lagging when _skipLaggards:
                        buffer.Skip(reader, _burstBytes);
                        break;
                    default:
                        // Lagging under the disconnect policy, or the stream ended.
                        return;
                }
            }
        }
        finally
        {
            _watchdog.Forget(progress);
        }
    }

    private static bool IsOpen(System.IO.Pipelines.FlushResult flush) => !flush.IsCompleted && !flush.IsCanceled;

    private static partial class Log
    {
        [LoggerMessage(310, LogLevel.Information, "Viewer {ClientId} of {StreamId} fell behind {Skips} times; skipped {Bytes} bytes")]
        public static partial void ViewerSkipped(ILogger logger, string clientId, string streamId, int skips, long bytes);

        [LoggerMessage(311, LogLevel.Warning, "Viewer {ClientId} of {StreamId} was overtaken by the upstream mid-copy; disconnected")]
        public static partial void ViewerOvertaken(ILogger logger, string clientId, string streamId);
    }
}
