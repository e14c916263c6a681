using M3uProxy.Edge.Api.Models;

namespace M3uProxy.Edge.Api;

/// <summary>The reference's error answers as typed results.</summary>
internal static class ApiResults
{
    public static IResult Detail(int statusCode, string detail)
        => TypedResults.Json(new DetailResponse(detail), EdgeJsonContext.Api.DetailResponse, statusCode: statusCode);

    public static IResult StreamNotFound() => Detail(StatusCodes.Status404NotFound, "Stream not found");

    public static IResult Validation(IReadOnlyList<ValidationError> errors)
        => TypedResults.Json(new ValidationErrorResponse(errors), EdgeJsonContext.Api.ValidationErrorResponse, statusCode: StatusCodes.Status422UnprocessableEntity);

    public static IResult Validation(ValidationError error) => Validation([error]);

    public static IResult Message(string message)
        => TypedResults.Json(new MessageResponse(message), EdgeJsonContext.Api.MessageResponse);

    /// <summary>Writes <c>{"detail": …}</c> straight to a response (for middleware, outside endpoint results).</summary>
    public static Task WriteDetailAsync(HttpResponse response, int statusCode, string detail)
    {
        response.StatusCode = statusCode;
        return response.WriteAsJsonAsync(new DetailResponse(detail), EdgeJsonContext.Api.DetailResponse, contentType: "application/json", response.HttpContext.RequestAborted);
    }
}
