namespace M3uProxy.Edge.Upstream;

/// <summary>
/// An upstream answer whose headers have arrived and whose body has not been read. Disposing it
/// closes the body (and with it, for an unfinished body, the upstream connection).
/// </summary>
internal sealed class UpstreamResponse : IDisposable
{
    private Action? _onDispose;

    public UpstreamResponse(HttpResponseMessage message, Stream body, Uri finalUrl, Action? onDispose = null)
    {
        _onDispose = onDispose;
        Message = message;
        Body = body;
        FinalUrl = finalUrl;
    }

    public HttpResponseMessage Message { get; }

    public Stream Body { get; }

    /// <summary>The URL that answered, after redirects.</summary>
    public Uri FinalUrl { get; }

    public int StatusCode => (int)Message.StatusCode;

    public long? ContentLength => Message.Content.Headers.ContentLength;

    public string? ContentType => Message.Content.Headers.ContentType?.MediaType;

    public void Dispose()
    {
        Body.Dispose();
        Message.Dispose();
        Interlocked.Exchange(ref _onDispose, null)?.Invoke();
    }
}
