namespace M3uProxy.Edge.Api;

/// <summary>
/// Routes of capabilities this build does not have yet (transcoding). They
/// answer 501 with a JSON reason, so callers see a clear "not here" instead of a 404.
/// </summary>
internal static class UnavailableEndpoints
{
    private const string Transcoding = "Transcoding is not available in this build of M3uProxy.Edge yet";

    public static IEndpointRouteBuilder MapUnavailableManagementEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/transcode", () => NotImplemented(Transcoding));
        routes.MapGet("/transcode/profiles", () => NotImplemented(Transcoding));
        return routes;
    }

    private static IResult NotImplemented(string detail) => ApiResults.Detail(StatusCodes.Status501NotImplemented, detail);
}
