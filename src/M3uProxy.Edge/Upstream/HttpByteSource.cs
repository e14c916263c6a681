using M3uProxy.Edge.FanOut;

namespace M3uProxy.Edge.Upstream;

/// <summary>An upstream response body as a fan-out byte source.</summary>
internal sealed class HttpByteSource : IByteSource
{
    private readonly UpstreamResponse _response;

    public HttpByteSource(UpstreamResponse response)
    {
        _response = response;
        Description = UrlMasking.Mask(response.FinalUrl.ToString());
    }

    public string Description { get; }

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        => _response.Body.ReadAsync(buffer, cancellationToken);

    public ValueTask DisposeAsync()
    {
        _response.Dispose();
        return ValueTask.CompletedTask;
    }
}
