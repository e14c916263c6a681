namespace M3uProxy.Edge.Upstream;

/// <summary>Why an upstream could not be reached; carries what a client answer and the failover logic need.</summary>
internal sealed class UpstreamException : Exception
{
    public UpstreamException(UpstreamFailure failure, string message, int? statusCode = null, Exception? inner = null)
        : base(message, inner)
    {
        Failure = failure;
        StatusCode = statusCode;
    }

    public UpstreamFailure Failure { get; }

    /// <summary>The upstream's HTTP status, when it answered with one.</summary>
    public int? StatusCode { get; }
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
}
