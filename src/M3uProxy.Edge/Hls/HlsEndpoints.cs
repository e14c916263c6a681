namespace M3uProxy.Edge.Hls;

/// <summary>The unauthenticated HLS playback routes (seed-spec §2.5): the stream id and the URL signatures are the capability.</summary>
internal static class HlsEndpoints
{
    public static IEndpointRouteBuilder MapHlsEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/hls/{streamId}/playlist.m3u8", (HttpContext context, string streamId, HlsPlaylistHandler handler) => handler.ServeAsync(context, streamId));
        routes.MapGet("/hls/{streamId}/segment.ts", (HttpContext context, string streamId, HlsSegmentHandler handler) => handler.ServeAsync(context, streamId));
        routes.MapGet("/hls/{streamId}/segment", (HttpContext context, string streamId, HlsSegmentHandler handler) => handler.ServeAsync(context, streamId));
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
