using System.Buffers;
using System.Globalization;
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
/// </summary>
internal static class ClusterRelayEndpoints
{
    public static IEndpointRouteBuilder MapClusterRelay(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/" + ClusterChannels.RelayPath + "{streamId}", ServeAsync);
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

        if (!lifecycle.TryGetListed(streamId, out var stream) || stream.Definition.Kind != StreamKind.LiveContinuous)
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
            var start = await channel.Started.WaitAsync(relaying.Token);
            if (!start.Started && channel.Buffer.Published == 0)
            {
                await UpstreamErrorResult.WriteAsync(response, start.Error);
                return;
            }

            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = MediaContentType.ForLiveStream(stream.Definition, stream.EffectiveUrl) ?? (channel.Buffer.IsTransportStream ? MediaContentType.MpegTs : MediaContentType.Fallback);
            if (cluster.HeldToken(streamId) is { } token)
            {
                response.Headers[ClusterChannels.FencingHeader] = token.ToString(CultureInfo.InvariantCulture);
            }

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
