using M3uProxy.Edge.Api;

namespace M3uProxy.Edge.Http;

/// <summary>
/// Makes every error answer JSON: unknown routes get the reference's 404 <c>{"detail":"Not Found"}</c>,
/// wrong methods 405, and anything unexpected a 500 with no exception text or stack trace on the
/// wire (it is logged instead). A client that hung up is not an error.
/// </summary>
internal sealed partial class ErrorBodyMiddleware
{
    private readonly RequestDelegate _next;
    private readonly ILogger<ErrorBodyMiddleware> _logger;

    public ErrorBodyMiddleware(RequestDelegate next, ILogger<ErrorBodyMiddleware> logger)
    {
        _next = next;
        _logger = logger;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await _next(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        catch (BadHttpRequestException exception)
        {
            if (!context.Response.HasStarted)
            {
                await ApiResults.WriteDetailAsync(context.Response, exception.StatusCode, "Bad request");
            }

            return;
        }
        catch (Exception exception) when (!context.Response.HasStarted)
        {
            Unhandled(_logger, context.Request.Method, context.Request.Path, Upstream.UrlMasking.MaskText(exception.ToString()));
            context.Response.Clear();
            await ApiResults.WriteDetailAsync(context.Response, StatusCodes.Status500InternalServerError, "Internal server error");
            return;
        }

        var response = context.Response;
        if (response.HasStarted || response.ContentLength is > 0 || response.ContentType is not null)
        {
            return;
        }

        switch (response.StatusCode)
        {
            case StatusCodes.Status404NotFound:
                await ApiResults.WriteDetailAsync(response, StatusCodes.Status404NotFound, "Not Found");
                break;
            case StatusCodes.Status405MethodNotAllowed:
                await ApiResults.WriteDetailAsync(response, StatusCodes.Status405MethodNotAllowed, "Method Not Allowed");
                break;
        }
    }

    // The exception as masked text: its message could carry an upstream URL with credentials.
    [LoggerMessage(100, LogLevel.Error, "Unhandled error on {Method} {Path}: {Error}")]
    private static partial void Unhandled(ILogger logger, string method, string path, string error);
}
