namespace M3uProxy.Edge.Upstream;

/// <summary>Why an upstream could not be reached; carries what a client answer and the failover logic need.</summary>
internal sealed class UpstreamException : Exception
{
    public UpstreamException(UpstreamFailure failure, string message, int? statusCode = null, Exception? inner = null, string? contentType = null)
        : base(message, inner)
    {
        Failure = failure;
        StatusCode = statusCode;
        ContentType = contentType;
    }

    public UpstreamFailure Failure { get; }

    /// <summary>The upstream's HTTP status, when it answered with one.</summary>
    public int? StatusCode { get; }

    /// <summary>The media type the upstream declared with its answer, when it declared one.</summary>
    public string? ContentType { get; }

    /// <summary>
    /// An answer that will not change on a retry of the same URL: 401, 403, 404, 410, or a
    /// page instead of media. Callers fail over at once or answer the viewer at once.
    /// </summary>
    public bool IsPermanent => Failure == UpstreamFailure.NotMedia
        || (Failure == UpstreamFailure.Status && StatusCode is 401 or 403 or 404 or 410);
}

internal enum UpstreamFailure
{
    /// <summary>No connection could be made (refused, DNS, TLS).</summary>
    Connect,

    /// <summary>No response headers within the bound.</summary>
    Timeout,

    /// <summary>An HTTP error status.</summary>
    Status,

    /// <summary>Too many redirects, or a redirect without a usable location.</summary>
    Redirect,

    /// <summary>The connection broke while reading.</summary>
    Read,

    /// <summary>A success status whose body is a page (HTML, JSON, XML), not media.</summary>
    NotMedia,

    /// <summary>Not opened: the provider is at its connection limit (<c>PROVIDER_MAX_CONNECTIONS</c>).</summary>
    ProviderLimit,
}
