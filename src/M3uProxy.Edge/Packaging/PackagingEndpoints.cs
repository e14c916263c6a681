using M3uProxy.Edge.Api;

namespace M3uProxy.Edge.Packaging;

/// <summary>Live MPEG-TS channels as HLS, cut from the shared buffer (the playlist itself is reached through <c>Hls/</c>'s route).</summary>
internal static class PackagingEndpoints
{
    public static IEndpointRouteBuilder MapPackagingEndpoints(this IEndpointRouteBuilder routes)
    {
        // A plain request delegate (Api/PlainRoutes).
        routes.MapGet("/hls/{streamId}/live/{sequence}.ts", context => context.Service<PackagedHlsHandler>().ServeSegmentAsync(context, context.RouteValue("streamId"), context.RouteValue("sequence")));
        return routes;
    }

    public static IServiceCollection AddPackaging(this IServiceCollection services)
    {
        services.AddSingleton<LivePackagers>();
        services.AddSingleton<PackagedHlsHandler>();
        return services;
    }
}
