using M3uProxy.Edge.Api;
using M3uProxy.Edge.Coordination;
using M3uProxy.Edge.Http;
using M3uProxy.Edge.Lifecycle;
using M3uProxy.Edge.Metrics;
using M3uProxy.Edge.Streams;
using M3uProxy.Edge.Transcoding;

namespace M3uProxy.Edge.Hls;

/// <summary>
/// The owner's side of HLS in a cluster, for the other instances only (the cluster secret, as
/// <c>/cluster/relay/</c>; 403 to anyone else and on a single instance):
/// <list type="bullet">
/// <item><c>GET /cluster/hls/{id}/playlist.m3u8[?url=…]</c>: an HLS source's playlist (or a
/// variant's) as the upstream sent it, from this instance's cache and
/// failover, with its URL after redirects in <c>X-Cluster-Playlist-Url</c>; for a transcode with
/// HLS output, its transcoder's playlist;</item>
/// <item><c>GET /cluster/hls/{id}/segment.ts?url=…</c> (and <c>Range</c>): a segment of the stream
/// or of one of its variants (the id may be the variant's), from this instance's single flight and segment cache;</item>
/// <item><c>GET /cluster/hls/{id}/{file}</c>: a file of the transcoder running here, by the names
/// it serves.</item>
/// </list>
/// The URLs are those the viewer's instance checked the signature of (the instances may sign with
/// different keys): the cluster secret is what admits the request. Answers 409 when another instance owns the stream (the caller asks again), with this
/// instance's fencing token otherwise. Nothing served here counts as served: the viewers are
/// counted where they are.
/// </summary>
internal static class ClusterHlsEndpoints
{
    public static IEndpointRouteBuilder MapClusterHls(this IEndpointRouteBuilder routes)
    {
        // Plain request delegates (Api/PlainRoutes): the handlers' arguments taken from the request as the generator would.
        routes.MapGet("/" + ClusterChannels.HlsPath + "{streamId}/playlist.m3u8", context => PlaylistAsync(
            context, context.RouteValue("streamId"), context.Service<ClusterChannels>(), context.Service<IHostApplicationLifetime>(), context.Service<StreamLifecycle>(),
            context.Service<RequestedChannels>(), context.Service<HlsStreams>(), context.Service<PlaylistSource>(), context.Service<TranscodedHlsOutput>(), context.Service<TimeProvider>()));
        routes.MapGet("/" + ClusterChannels.HlsPath + "{streamId}/segment.ts", context => SegmentAsync(
            context, context.RouteValue("streamId"), context.Service<ClusterChannels>(), context.Service<IHostApplicationLifetime>(), context.Service<HlsStreams>(),
            context.Service<RequestedChannels>(), context.Service<SegmentFetcher>(), context.Service<HlsSegmentHandler>(), context.Service<TimeProvider>()));
        routes.MapGet("/" + ClusterChannels.HlsPath + "{streamId}/{file}", context => FileAsync(
            context, context.RouteValue("streamId"), context.RouteValue("file"), context.Service<ClusterChannels>(), context.Service<IHostApplicationLifetime>(),
            context.Service<StreamLifecycle>(), context.Service<TranscodedHlsOutput>()));
        return routes;
    }

    private static async Task PlaylistAsync(
        HttpContext context, string streamId, ClusterChannels cluster, IHostApplicationLifetime lifetime, StreamLifecycle lifecycle, RequestedChannels owners, HlsStreams streams, PlaylistSource source, TranscodedHlsOutput transcoded, TimeProvider time)
    {
        if (await AdmitAsync(context, cluster, lifetime, lifecycle.TryGetListed(streamId, out var listed) ? listed : null) is not { } top)
        {
            return;
        }

        if (top.Definition.Kind == StreamKind.TranscodedHls)
        {
            await transcoded.ServeForClusterAsync(context, streamId, TranscodedHlsOutput.PlaylistRoute);
            return;
        }

        if (!await OwnsAsync(context, top, owners))
        {
            return;
        }

        var target = top;
        var url = context.Request.Query["url"].ToString();
        if (url.Length > 0)
        {
            if (!HlsSegmentHandler.IsHttp(url))
            {
                await ApiResults.WriteDetailAsync(context.Response, StatusCodes.Status400BadRequest, "Not an http(s) URL");
                return;
            }

            target = streams.ChildOf(top, url);
            await owners.HoldPartAsync(target, top); // its segments may be asked for where the variant is not known
        }

        UpstreamPlaylist playlist;
        try
        {
            playlist = ReferenceEquals(target, top)
                ? await source.GetAsync(top, context.RequestAborted)
                : await source.GetVariantAsync(target, top, context.RequestAborted);
        }
        catch (PlaylistException exception)
        {
            await ApiResults.WriteDetailAsync(context.Response, exception.StatusCode, exception.Message);
            return;
        }

        top.Touch(time.GetUtcNow()); // watched elsewhere: not idle here
        target.Touch(time.GetUtcNow());
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = HlsHeaders.PlaylistContentType;
        response.ContentLength = playlist.Bytes.Length;
        response.Headers[HlsOwnerRelay.PlaylistUrlHeader] = playlist.FinalUrl;
        ClusterChannels.WriteFencingToken(response, owners.HeldToken(top.Id));
        await response.Body.WriteAsync(playlist.Bytes, context.RequestAborted);
    }

    private static async Task SegmentAsync(
        HttpContext context, string streamId, ClusterChannels cluster, IHostApplicationLifetime lifetime, HlsStreams streams, RequestedChannels owners, SegmentFetcher fetcher, HlsSegmentHandler segments, TimeProvider time)
    {
        // The stream, or the stream of a variant (asked by an instance that does not know the variant).
        if (await AdmitAsync(context, cluster, lifetime, streams.TopOf(streamId)) is not { } top)
        {
            return;
        }

        var url = context.Request.Query["url"].ToString();
        if (!HlsSegmentHandler.IsHttp(url))
        {
            await ApiResults.WriteDetailAsync(context.Response, StatusCodes.Status400BadRequest, "Not an http(s) URL");
            return;
        }

        if (top.Definition is not { Kind: StreamKind.Hls, IsTranscoded: false })
        {
            await ApiResults.WriteDetailAsync(context.Response, StatusCodes.Status404NotFound, "Not an HLS stream");
            return;
        }

        if (!await OwnsAsync(context, top, owners))
        {
            return;
        }

        // A variant has its parent's User-Agent and headers.
        var definition = top.Definition;
        var fetch = await fetcher.FetchAsync(new SegmentKey(url, ContentRange.SingleRangeOf(context.Request)), definition.UserAgent, definition.Headers, context.RequestAborted);
        top.Touch(time.GetUtcNow());
        ClusterChannels.WriteFencingToken(context.Response, owners.HeldToken(top.Id));
        await segments.WriteAsync(context, fetch, url, ServedBytes.Uncounted);
    }

    private static async Task FileAsync(HttpContext context, string streamId, string file, ClusterChannels cluster, IHostApplicationLifetime lifetime, StreamLifecycle lifecycle, TranscodedHlsOutput transcoded)
    {
        if (await AdmitAsync(context, cluster, lifetime, lifecycle.TryGetListed(streamId, out var listed) ? listed : null) is not { } stream)
        {
            return;
        }

        if (stream.Definition.Kind != StreamKind.TranscodedHls)
        {
            await ApiResults.WriteDetailAsync(context.Response, StatusCodes.Status404NotFound, "Segment not found");
            return;
        }

        await transcoded.ServeForClusterAsync(context, streamId, file);
    }

    // A member of the cluster asking about a stream this instance knows (read through from Redis when it did not hold it).
    private static async Task<StreamRecord?> AdmitAsync(HttpContext context, ClusterChannels cluster, IHostApplicationLifetime lifetime, StreamRecord? stream)
    {
        if (!cluster.IsShared || !await cluster.IsMemberAsync(context.Request, context.RequestAborted))
        {
            await ApiResults.WriteDetailAsync(context.Response, StatusCodes.Status403Forbidden, "Only instances of this cluster may fetch from the owner");
            return null;
        }

        // Stopping: its leases are being given up, and it must not take one again (the caller asks the next owner).
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            await ApiResults.WriteDetailAsync(context.Response, StatusCodes.Status409Conflict, "This instance is stopping");
            return null;
        }

        if (stream is null)
        {
            await ApiResults.WriteDetailAsync(context.Response, StatusCodes.Status404NotFound, "Stream not found");
            return null;
        }

        return stream;
    }

    // Fetched here when this instance holds the lease, or takes it now (its owner gave it up); 409 when another one holds it.
    private static async Task<bool> OwnsAsync(HttpContext context, StreamRecord top, RequestedChannels owners)
    {
        string? elsewhere;
        try
        {
            elsewhere = (await owners.OwnerElsewhereAsync(top, unreachable: null, context.RequestAborted))?.WorkerId;
        }
        catch (RelayRefusedException refused)
        {
            elsewhere = refused.Message;
        }

        if (elsewhere is null)
        {
            return true;
        }

        await ApiResults.WriteDetailAsync(context.Response, StatusCodes.Status409Conflict, "Owned by " + elsewhere);
        return false;
    }
}
