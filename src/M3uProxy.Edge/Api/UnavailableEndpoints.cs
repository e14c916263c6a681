namespace M3uProxy.Edge.Api;

/// <summary>
/// Routes of capabilities this build does not have yet (transcoding, network broadcasts). They
/// answer 501 with a JSON reason, so callers see a clear "not here" instead of a 404.
/// </summary>
internal static class UnavailableEndpoints
{
    private const string Transcoding = "Transcoding is not available in this build of M3uProxy.Edge yet";
    private const string Broadcast = "Network broadcasts are not available in this build of M3uProxy.Edge yet";

    public static IEndpointRouteBuilder MapUnavailableManagementEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/transcode", () => NotImplemented(Transcoding));
        routes.MapGet("/transcode/profiles", () => NotImplemented(Transcoding));
        routes.MapPost("/broadcast/{networkId}/start", (string networkId) => NotImplemented(Broadcast));
        routes.MapPost("/broadcast/{networkId}/stop", (string networkId) => NotImplemented(Broadcast));
        routes.MapGet("/broadcast/{networkId}/status", (string networkId) => NotImplemented(Broadcast));
        routes.MapGet("/broadcast", () => NotImplemented(Broadcast));
        routes.MapDelete("/broadcast/{networkId}", (string networkId) => NotImplemented(Broadcast));
        return routes;
    }

    public static IEndpointRouteBuilder MapUnavailablePlaybackEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/broadcast/{networkId}/live.m3u8", (string networkId) => NotImplemented(Broadcast));
        routes.MapGet("/broadcast/{networkId}/segment/{fileName}", (string networkId, string fileName) => NotImplemented(Broadcast));
        return routes;
    }

    private static IResult NotImplemented(string detail) => ApiResults.Detail(StatusCodes.Status501NotImplemented, detail);
}
