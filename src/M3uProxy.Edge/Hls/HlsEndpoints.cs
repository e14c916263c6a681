using M3uProxy.Edge.Api;

namespace M3uProxy.Edge.Hls;

/// <summary>The unauthenticated HLS playback routes (seed-spec §2.5): the stream id and the URL signatures are the capability.</summary>
internal static class HlsEndpoints
{
    public static IEndpointRouteBuilder MapHlsEndpoints(this IEndpointRouteBuilder routes)
    {
        // Plain request delegates (Api/PlainRoutes).
        routes.MapGet("/hls/{streamId}/playlist.m3u8", context => context.Service<HlsPlaylistHandler>().ServeAsync(context, context.RouteValue("streamId")));
        routes.MapGet("/hls/{streamId}/segment.ts", context => context.Service<HlsSegmentHandler>().ServeAsync(context, context.RouteValue("streamId")));
        routes.MapGet("/hls/{streamId}/segment", context => context.Service<HlsSegmentHandler>().ServeAsync(context, context.RouteValue("streamId")));
        routes.MapClusterHls(); // authenticated by the cluster secret, not the API token
        return routes;
    }

    public static IServiceCollection AddHls(this IServiceCollection services)
    {
        services.AddSingleton<UrlSigner>();
        services.AddSingleton<PlaylistCache>();
        services.AddSingleton<PlaylistSource>();
        services.AddSingleton<SegmentFetcher>();
        services.AddSingleton<HlsStreams>();
        services.AddSingleton<HlsPlaylistHandler>();
        services.AddSingleton<HlsSegmentHandler>();
        services.AddSingleton<HlsOwnerRelay>();
        services.AddSingleton<LoopbackHls>();
        return services;
    }
}
