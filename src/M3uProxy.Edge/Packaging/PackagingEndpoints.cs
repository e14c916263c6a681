namespace M3uProxy.Edge.Packaging;

/// <summary>Live MPEG-TS channels as HLS, cut from the shared buffer (the playlist itself is reached through <c>Hls/</c>'s route).</summary>
internal static class PackagingEndpoints
{
    public static IEndpointRouteBuilder MapPackagingEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/hls/{streamId}/live/{sequence}.ts", (HttpContext context, string streamId, string sequence, PackagedHlsHandler handler) => handler.ServeSegmentAsync(context, streamId, sequence));
        return routes;
    }

    public static IServiceCollection AddPackaging(this IServiceCollection services)
    {
        services.AddSingleton<LivePackagers>();
        services.AddSingleton<PackagedHlsHandler>();
        return services;
    }
}
