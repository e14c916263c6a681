using System.Buffers;
using M3uProxy.Edge.Api.Validation;
using Microsoft.AspNetCore.Http.Features;

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
    /// <remarks>
    /// Read into a pooled buffer (the declared length, or 4 KiB growing for a chunked body), and only
    /// the body itself is allocated: a create call is made at every channel start, and a 16 KiB read
    /// buffer plus a growing copy were half of what it allocated.
    /// </remarks>
    public static async Task<byte[]?> ReadAsync(HttpContext context, int limit)
    {
        var request = context.Request;
        if (request.ContentLength > limit)
        {
            await WriteTooLargeAsync(context.Response, limit);
            return null;
        }

        if (request.ContentLength is null && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } kestrelLimit)
        {
            // Kestrel counts a chunked body's framing against its limit (a 4,096-byte body in 100-byte
            // chunks was refused at 4,096): the loop below counts the body's own bytes instead.
            kestrelLimit.MaxRequestBodySize = null;
        }

        // One byte more than declared or allowed: a body that fills it is over the limit.
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(request.ContentLength ?? 4096, limit) + 1);
        var length = 0;
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(buffer.AsMemory(length), context.RequestAborted)) > 0)
            {
                length += read;
                if (length > limit)
                {
                    await WriteTooLargeAsync(context.Response, limit);
                    return null;
                }

                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(2L * buffer.Length, limit + 1L));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
            }

            return buffer.AsSpan(0, length).ToArray();
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await WriteTooLargeAsync(context.Response, limit);
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static Task WriteTooLargeAsync(HttpResponse response, int limit)
    {
        response.Headers.Connection = "close";
        return ApiResults.WriteDetailAsync(response, StatusCodes.Status413PayloadTooLarge, $"Request body too large (limit {limit} bytes)");
    }
}
