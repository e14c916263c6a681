namespace M3uProxy.Edge.Upstream;

/// <summary>
/// The upstream answered with success but its body is a page (HTML, JSON, XML), found by looking at
/// the first bytes. An <see cref="IOException"/>, so the live pump stops the source like any
/// failed read; never retried on the same URL.
/// </summary>
internal sealed class NotMediaException(int statusCode, string? contentType)
    : IOException($"Upstream answered {statusCode} with a page, not media ({contentType ?? "no content type"})")
{
    public int StatusCode { get; } = statusCode;

    public string? ContentType { get; } = contentType;
}
