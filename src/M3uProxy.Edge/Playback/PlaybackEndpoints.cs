using M3uProxy.Edge.Api;
using M3uProxy.Edge.Clients;
using M3uProxy.Edge.Configuration;
using M3uProxy.Edge.Http;
using M3uProxy.Edge.Lifecycle;
using M3uProxy.Edge.Streams;

namespace M3uProxy.Edge.Playback;

/// <summary>
/// <c>GET</c>/<c>HEAD /stream/{id}</c> (seed-spec §2.5): live streams through the shared fan-out,
/// files (and raw HLS) through their own upstream request. No API token is needed: the stream id
/// is the capability. Creating a stream with <c>?url=</c> here needs the API token (the reference
/// lets anyone do it, which makes it an open proxy).
/// </summary>
internal static class PlaybackEndpoints
{
    public static IServiceCollection AddPlayback(this IServiceCollection services)
    {
        services.AddSingleton<ViewerWatchdog>();
        services.AddHostedService(sp => sp.GetRequiredService<ViewerWatchdog>());
        services.AddSingleton<LiveDelivery>();
        services.AddSingleton<VodDelivery>();
        services.AddSingleton<VodHead>();
        return services;
    }

    public static IEndpointRouteBuilder MapPlaybackEndpoints(this IEndpointRouteBuilder routes)
    {
        // A plain request delegate (Api/PlainRoutes): the handler's arguments taken from the request as the generator would.
        routes.MapMethods("/stream/{streamId}", [HttpMethods.Get, HttpMethods.Head], context => ServeAsync(
            context, context.RouteValue("streamId"), context.Service<StreamLifecycle>(), context.Service<ApiTokenValidator>(), context.Service<ProxySettings>(),
            context.Service<AdHocStreams>(), context.Service<LiveDelivery>(), context.Service<VodDelivery>(), context.Service<VodHead>()));
        return routes;
    }

    private static async Task ServeAsync(
        HttpContext context, string streamId, StreamLifecycle lifecycle, ApiTokenValidator tokens, ProxySettings settings, AdHocStreams adHoc,
        LiveDelivery live, VodDelivery vod, VodHead head)
    {
        var stream = await ResolveStreamAsync(context, streamId, lifecycle, tokens, settings, adHoc);
        if (stream is null)
        {
            return;
        }

        if (stream.Definition.Kind == StreamKind.TranscodedHls)
        {
            // m3u-editor links every transcoded stream as /stream/{id}: send an HLS output's players to its playlist.
            context.Response.Redirect($"{settings.RootPath}/hls/{stream.Id}/playlist.m3u8{context.Request.QueryString}");
            return;
        }

        var isLive = stream.Definition.Kind == StreamKind.LiveContinuous;
        if (HttpMethods.IsHead(context.Request.Method))
        {
            if (isLive)
            {
                // Answered locally: probing a live stream must not cost a provider connection.
                context.Response.StatusCode = StatusCodes.Status200OK;
                PlaybackHeaders.Apply(context.Response, MediaContentType.ForLiveStream(stream.Definition, stream.Definition.Url) ?? MediaContentType.MpegTs, acceptRanges: false);
            }
            else
            {
                await head.AnswerAsync(context, stream, context.RequestAborted);
            }

            return;
        }

        var identity = ClientIdentity.From(context);
        var clientId = ClientIdFor(context, stream, identity, lifecycle, isLive);
        if (lifecycle.RegisterClient(stream, clientId, identity) is not { } client)
        {
            await (lifecycle.IsShuttingDown
                ? ApiResults.WriteDetailAsync(context.Response, StatusCodes.Status503ServiceUnavailable, "Server shutting down")
                : ApiResults.WriteDetailAsync(context.Response, StatusCodes.Status404NotFound, "Stream not found"));
            return;
        }

        using var viewing = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stream.Lifetime);
        client.ResponseOpened();
        try
        {
            if (isLive)
            {
                await live.ServeAsync(context, stream, client, viewing.Token);
            }
            else
            {
                await vod.ServeAsync(context, stream, client, viewing.Token);
            }
        }
        finally
        {
            client.ResponseClosed();
            // A live viewer that hangs up leaves at once. A file's client stays (not connected) until
            // it is reaped, so that a player's seek requests do not each start and stop the stream.
            if (isLive && client.OpenResponses == 0)
            {
                lifecycle.DisconnectClient(client);
            }
            else
            {
                client.IsConnected = client.OpenResponses > 0;
            }

            // During a shutdown drain a download's stream ends with its last response.
            lifecycle.ResponseEnded(stream);
        }
    }

    private static async Task<StreamRecord?> ResolveStreamAsync(
        HttpContext context, string streamId, StreamLifecycle lifecycle, ApiTokenValidator tokens, ProxySettings settings, AdHocStreams adHoc)
    {
        var url = context.Request.Query["url"].ToString();
        if (url.Length == 0)
        {
            if (lifecycle.TryGetListed(streamId, out var existing))
            {
                return existing;
            }

            await ApiResults.WriteDetailAsync(context.Response, StatusCodes.Status404NotFound, "Stream not found");
            return null;
        }

        if (!tokens.IsValid(context.Request, out _))
        {
            await ApiResults.WriteDetailAsync(context.Response, StatusCodes.Status403Forbidden, "Creating a stream with ?url= needs the API token");
            return null;
        }

        if (AdHocStreams.Problem(url) is { } problem)
        {
            await ApiResults.WriteDetailAsync(context.Response, StatusCodes.Status400BadRequest, problem);
            return null;
        }

        return adHoc.Create(url, settings.StrictLiveTs);
    }

    /// <summary>
    /// The reference's rule (seed-spec §1.5): <c>?client_id=</c>, else derived from IP, User-Agent,
    /// stream and username; for live streams a derived id already watching gets a random suffix
    /// (two devices behind one NAT with the same player).
    /// </summary>
    private static string ClientIdFor(HttpContext context, StreamRecord stream, ClientIdentity identity, StreamLifecycle lifecycle, bool isLive)
    {
        var given = context.Request.Query["client_id"].ToString();
        if (given.Length > 0)
        {
            return given;
        }

        var derived = StreamIds.DeriveClientId(identity.IpAddress, identity.UserAgent, stream.Id, identity.Username);
        if (isLive && lifecycle.TryGetClient(derived, out var existing) && existing.OpenResponses > 0)
        {
            return $"{derived}_{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4))}";
        }

        return derived;
    }
}
