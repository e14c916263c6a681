using M3uProxy.Edge.Api;
using M3uProxy.Edge.Configuration;

namespace M3uProxy.Edge.Http;

/// <summary>
/// Answers over-long URLs (414) and header blocks (431) with JSON. Kestrel's own limits are set
/// above these, so this check is the one that answers.
/// </summary>
internal sealed class RequestLimitsMiddleware
{
    private readonly RequestDelegate _next;
    private readonly int _maxUrlLength;
    private readonly int _maxHeaderBytes;

    public RequestLimitsMiddleware(RequestDelegate next, ProxySettings settings)
    {
        _next = next;
        _maxUrlLength = settings.MaxUrlLength;
        _maxHeaderBytes = settings.MaxRequestHeadersBytes;
    }

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var urlLength = request.PathBase.Value?.Length + request.Path.Value?.Length + request.QueryString.Value?.Length ?? 0;
        if (urlLength > _maxUrlLength)
        {
            return ApiResults.WriteDetailAsync(context.Response, StatusCodes.Status414UriTooLong, $"Request URL too long (limit {_maxUrlLength} characters)");
        }

        var headerBytes = 0;
        foreach (var (name, values) in request.Headers)
        {
            headerBytes += name.Length + 4;
            foreach (var value in values)
            {
                headerBytes += value?.Length ?? 0;
            }
        }

        if (headerBytes > _maxHeaderBytes)
        {
            return ApiResults.WriteDetailAsync(context.Response, StatusCodes.Status431RequestHeaderFieldsTooLarge, $"Request headers too large (limit {_maxHeaderBytes} bytes)");
        }

        return _next(context);
    }
}
