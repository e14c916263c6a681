using M3uProxy.Edge.Api;
using M3uProxy.Edge.Upstream;

namespace M3uProxy.Edge.Http;

/// <summary>
/// What a client gets when the upstream fails before the first byte: 504 for a timeout, 502
/// otherwise (503 when the provider is at its connection limit), with a JSON reason (the reference answers an empty 200).
/// </summary>
internal static class UpstreamErrorResult
{
    public static Task WriteAsync(HttpResponse response, Exception? error)
    {
        var (status, detail) = error switch
        {
            UpstreamException { Failure: UpstreamFailure.Timeout } timeout => (StatusCodes.Status504GatewayTimeout, timeout.Message),
            UpstreamException { Failure: UpstreamFailure.ProviderLimit } full => (StatusCodes.Status503ServiceUnavailable, full.Message),
            UpstreamException upstream => (StatusCodes.Status502BadGateway, upstream.Message),
            NotMediaException page => (StatusCodes.Status502BadGateway, page.Message),
            null => (StatusCodes.Status502BadGateway, "Upstream ended before sending any data"),
            _ => (StatusCodes.Status502BadGateway, "Upstream failed before sending any data"),
        };
        return ApiResults.WriteDetailAsync(response, status, detail);
    }
}
