using M3uProxy.Edge.Api;

namespace M3uProxy.Edge.Http;

/// <summary>
/// Authentication as the reference does it (seed-spec §1.2): management routes need the token as
/// the <c>X-API-Token</c> header or the <c>api_token</c> query parameter (the header wins); 401
/// when missing, 403 when wrong, both with <c>WWW-Authenticate: Bearer</c>. Compared in
/// constant time. Playback routes carry no <see cref="ManagementEndpoint"/> and pass.
/// </summary>
internal sealed class ApiTokenMiddleware
{
    private const string MissingToken = "API token required. Provide token via X-API-Token header or api_token query parameter.";
    private const string InvalidToken = "Invalid API token";

    private readonly RequestDelegate _next;
    private readonly ApiTokenValidator _validator;

    public ApiTokenMiddleware(RequestDelegate next, ApiTokenValidator validator)
    {
        _next = next;
        _validator = validator;
    }

    public Task InvokeAsync(HttpContext context)
    {
        if (!_validator.Enabled || context.GetEndpoint()?.Metadata.GetMetadata<ManagementEndpoint>() is null)
        {
            return _next(context);
        }

        return _validator.IsValid(context.Request, out var missing) ? _next(context) : RejectAsync(context.Response, missing);
    }

    private static Task RejectAsync(HttpResponse response, bool missing)
    {
        response.Headers.WWWAuthenticate = "Bearer";
        return missing
            ? ApiResults.WriteDetailAsync(response, StatusCodes.Status401Unauthorized, MissingToken)
            : ApiResults.WriteDetailAsync(response, StatusCodes.Status403Forbidden, InvalidToken);
    }
}
