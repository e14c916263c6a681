namespace M3uProxy.Edge.Http;

/// <summary>
/// Permissive CORS as the reference (seed-spec §1.4): any origin, method and header; preflights
/// are answered here, before authentication. Unlike the reference it does not allow credentials
/// with a wildcard origin (browsers refuse that combination anyway).
/// </summary>
internal sealed class CorsMiddleware
{
    private readonly RequestDelegate _next;

    public CorsMiddleware(RequestDelegate next) => _next = next;

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var headers = context.Response.Headers;
        headers.AccessControlAllowOrigin = "*";
        headers.AccessControlExposeHeaders = "*";

        var isPreflight = HttpMethods.IsOptions(request.Method)
            && request.Headers.ContainsKey("Origin")
            && request.Headers.ContainsKey("Access-Control-Request-Method");
        if (!isPreflight)
        {
            return _next(context);
        }

        headers.AccessControlAllowMethods = "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT";
        var requestedHeaders = request.Headers.AccessControlRequestHeaders.ToString();
        headers.AccessControlAllowHeaders = requestedHeaders.Length > 0 ? requestedHeaders : "*";
        headers.AccessControlMaxAge = "600";
        headers.Vary = "Origin";
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync("OK", context.RequestAborted);
    }
}
