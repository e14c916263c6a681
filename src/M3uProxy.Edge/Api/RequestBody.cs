using M3uProxy.Edge.Api.Validation;

namespace M3uProxy.Edge.Api;

/// <summary>Reads a control-plane request body up to the configured limit.</summary>
internal static class RequestBody
{
    /// <summary>
    /// The JSON-object body read into a request by <paramref name="read"/> and handed to
    /// <paramref name="handle"/> (while its document is alive). Answers 413 for a body over
    /// <paramref name="limit"/>, and FastAPI's 422 for one that is not a JSON object or that
    /// <paramref name="read"/> finds errors in.
    /// </summary>
    public static async Task<IResult> HandleJsonAsync<TRequest>(HttpContext context, int limit, Func<BodyValidator, TRequest?> read, Func<TRequest, Task<IResult>> handle)
        where TRequest : class
    {
        if (await ReadAsync(context, limit) is not { } body)
        {
            return Results.Empty;
        }

        if (!BodyValidator.TryOpen(body, out var validator, out var document, out var error))
        {
            return ApiResults.Validation(error!);
        }

        using (document)
        {
            if (read(validator) is not { } request || validator.HasErrors)
            {
                return ApiResults.Validation(validator.Errors);
            }

            return await handle(request);
        }
    }

    /// <inheritdoc cref="HandleJsonAsync{TRequest}(HttpContext, int, Func{BodyValidator, TRequest}, Func{TRequest, Task{IResult}})"/>
    public static Task<IResult> HandleJsonAsync<TRequest>(HttpContext context, int limit, Func<BodyValidator, TRequest?> read, Func<TRequest, IResult> handle)
        where TRequest : class
        => HandleJsonAsync(context, limit, read, request => Task.FromResult(handle(request)));

    /// <summary>The body, or null after answering 413 when it is larger than <paramref name="limit"/>.</summary>
    public static async Task<byte[]?> ReadAsync(HttpContext context, int limit)
    {
        var request = context.Request;
        if (request.ContentLength > limit)
        {
            await WriteTooLargeAsync(context.Response, limit);
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    await WriteTooLargeAsync(context.Response, limit);
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await WriteTooLargeAsync(context.Response, limit);
            return null;
        }

        return buffer.ToArray();
    }

    private static Task WriteTooLargeAsync(HttpResponse response, int limit)
    {
        response.Headers.Connection = "close";
        return ApiResults.WriteDetailAsync(response, StatusCodes.Status413PayloadTooLarge, $"Request body too large (limit {limit} bytes)");
    }
}
