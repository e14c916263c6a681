using Microsoft.AspNetCore.Http.Features;

namespace M3uProxy.Edge.Http;

/// <summary>
/// <c>GET /livez</c> answered before routing. Routing builds every endpoint and its matcher on the
/// first request it sees; at start-up that was the first health probe, which waited for the whole
/// route table (about a hundred routes) although liveness needs none of it. The answer is the
/// mapped route's (<c>EdgeApp</c> keeps <c>MapGet("/livez")</c>, which documents it and answers the
/// spellings this one leaves to routing, such as <c>/livez/</c>), and <c>/metrics</c> counts it
/// under the same <c>http_route</c>.
/// </summary>
internal static class LivenessAnswer
{
    public const string Path = "/livez";

    /// <summary>
    /// Placed before <c>UsePathBase</c> (which routes again as soon as it has stripped the root
    /// path), so it takes <c>/livez</c> with and without <paramref name="rootPath"/> itself.
    /// </summary>
    public static Func<RequestDelegate, RequestDelegate> Before(string rootPath)
        => next => context => IsLivenessProbe(context.Request, rootPath) ? WriteAsync(context) : next(context);

    private static bool IsLivenessProbe(HttpRequest request, string rootPath)
    {
        if (!HttpMethods.IsGet(request.Method))
        {
            return false;
        }

        var path = request.Path;
        if (rootPath.Length > 0 && path.StartsWithSegments(rootPath, StringComparison.OrdinalIgnoreCase, out var remainder))
        {
            path = remainder;
        }

        return string.Equals(path.Value, Path, StringComparison.OrdinalIgnoreCase);
    }

    private static Task WriteAsync(HttpContext context)
    {
        context.Features.Get<IHttpMetricsTagsFeature>()?.Tags.Add(new("http.route", Path));
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/plain; charset=utf-8";
        response.ContentLength = 2;
        return response.WriteAsync("ok", context.RequestAborted);
    }
}
