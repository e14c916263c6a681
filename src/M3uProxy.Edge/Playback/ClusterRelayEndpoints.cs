using System.Buffers;
using M3uProxy.Edge.Api;
using M3uProxy.Edge.Clients;
using M3uProxy.Edge.Coordination;
using M3uProxy.Edge.FanOut;
using M3uProxy.Edge.Http;
using M3uProxy.Edge.Lifecycle;
using M3uProxy.Edge.Streams;

namespace M3uProxy.Edge.Playback;

/// <summary>
/// <c>GET /cluster/relay/{id}</c>: the owner's side of a relay. Another instance of the cluster
/// (authenticated by the cluster secret) joins this instance's channel like one more viewer and
/// gets its bytes, which its own fan-out serves to its viewers: one relay per channel and instance.
/// A relay is not a client (it is counted where its viewers are); it keeps the stream from being
/// reaped here while it runs. Answers 409 when another instance owns the channel or this one is
/// stopping (the caller asks again), and the owner's own upstream error (502/503/504) as a viewer would get it.
/// A transcode with HLS output carries no bytes (its files are fetched per request, <c>/cluster/hls/</c>):
/// its relay holds the transcoder and sends a heartbeat until the channel ends.
/// </summary>
internal static class ClusterRelayEndpoints
{
    public static IEndpointRouteBuilder MapClusterRelay(this IEndpointRouteBuilder routes)
    {
        // A plain request delegate (Api/PlainRoutes): the handler's arguments taken from the request as the generator would.
        routes.MapGet("/" + ClusterChannels.RelayPath + "{streamId}", context => ServeAsync(
            context, context.RouteValue("streamId"), context.Service<ClusterChannels>(), context.Service<StreamLifecycle>(), context.Service<LiveChannelRegistry>(),
            context.Service<IHostApplicationLifetime>(), context.Service<TimeProvider>()));
        return routes;
    }

    private static async Task ServeAsync(
        HttpContext context, string streamId, ClusterChannels cluster, StreamLifecycle lifecycle, LiveChannelRegistry channels, IHostApplicationLifetime lifetime, TimeProvider time)
    {
        var response = context.Response;
        if (!cluster.IsShared || !await cluster.IsMemberAsync(context.Request, context.RequestAborted))
        {
            await ApiResults.WriteDetailAsync(response, StatusCodes.Status403Forbidden, "Only instances of this cluster may relay");
            return;
        }

        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            await ApiResults.WriteDetailAsync(response, StatusCodes.Status409Conflict, "This instance is stopping");
            return;
        }

        if (!lifecycle.TryGetListed(streamId, out var stream) || stream.Definition.Kind is not (StreamKind.LiveContinuous or StreamKind.TranscodedHls))
        {
            await ApiResults.WriteDetailAsync(response, StatusCodes.Status404NotFound, "Stream not found");
            return;
        }

        if (await cluster.OwnerElsewhereAsync(streamId, context.RequestAborted) is { } owner)
        {
            await ApiResults.WriteDetailAsync(response, StatusCodes.Status409Conflict, "Owned by " + owner.WorkerId);
            return;
        }

        // One identity per relayed channel, so that a relay never counts as the same viewer zapping between channels.
        var relay = new ClientIdentity(ClientIdentity.From(context).IpAddress, "m3u-proxy-relay/" + context.Request.Headers[ClusterChannels.WorkerHeader], streamId);
        using var relaying = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stream.Lifetime, lifetime.ApplicationStopping);
        var (channel, reader, programHeader) = channels.Join(stream, relay);
        try
        {
            if (stream.Definition.Kind == StreamKind.TranscodedHls)
            {
                await HeartbeatAsync(response, channel, stream, cluster.HeldToken(streamId), time, relaying.Token);
                return;
            }

            var start = await channel.Started.WaitAsync(relaying.Token);
            if (!start.Started && channel.Buffer.Published == 0)
            {
                await UpstreamErrorResult.WriteAsync(response, start.Error);
                return;
            }

            response.StatusCode = StatusCodes.Status200OK;
            ClusterChannels.WriteFencingToken(response, cluster.HeldToken(streamId));
            response.ContentType = MediaContentType.ForLiveStream(stream.Definition, stream.EffectiveUrl) ?? (channel.Buffer.IsTransportStream ? MediaContentType.MpegTs : MediaContentType.Fallback);
            await response.StartAsync(relaying.Token);
            if (!programHeader.IsEmpty)
            {
                response.BodyWriter.Write(programHeader.Span);
            }

            await CopyAsync(response, channel.Buffer, reader, stream, time, relaying.Token);
        }
        catch (OperationCanceledException) when (relaying.IsCancellationRequested)
        {
            // The relaying instance left, the stream was removed, or this instance is stopping.
        }
        finally
        {
            channels.Leave(channel, reader, relay);
        }
    }

    // The transcoder runs while the relay is joined; the relaying instance learns it still does from the heartbeat.
    private static async Task HeartbeatAsync(HttpResponse response, LiveChannel channel, StreamRecord stream, long? token, TimeProvider time, CancellationToken cancellationToken)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/octet-stream";
        ClusterChannels.WriteFencingToken(response, token);
        await response.StartAsync(cancellationToken);
        while (!channel.HasEnded && !channel.IsStopping)
        {
            response.BodyWriter.Write("\n"u8);
            stream.Touch(time.GetUtcNow()); // relayed elsewhere: not idle here
            if ((await response.BodyWriter.FlushAsync(cancellationToken)).IsCompleted)
            {
                return;
            }

            await Task.Delay(HeartbeatRelaySource.Interval, time, cancellationToken);
        }
    }

    private static async Task CopyAsync(HttpResponse response, FanOutBuffer buffer, FanOutReader reader, StreamRecord stream, TimeProvider time, CancellationToken cancellationToken)
    {
        var writer = response.BodyWriter;
        while (true)
        {
            switch (buffer.TryRead(reader, out var data))
            {
                case FanOutReadStatus.Data:
                    writer.Write(data.Span);
                    if (!buffer.IsIntact(reader.Position))
                    {
                        response.HttpContext.Abort(); // never a torn packet: the relay reconnects
                        return;
                    }

                    buffer.Advance(reader, data.Length);
                    stream.Touch(time.GetUtcNow());
                    if ((await writer.FlushAsync(cancellationToken)).IsCompleted)
                    {
                        return;
                    }

                    break;
                case FanOutReadStatus.Empty:
                    await reader.WaitForDataAsync(cancellationToken);
                    break;
                case FanOutReadStatus.Lagging:
                    buffer.Skip(reader, 0); // a slow relay catches up at the next packet boundary
                    break;
                default:
                    return;
            }
        }
    }
}
