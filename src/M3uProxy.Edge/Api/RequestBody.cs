namespace M3uProxy.Edge.Api;

/// <summary>Reads a control-plane request body up to the configured limit.</summary>
internal static class RequestBody
{
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
