using M3uProxy.Edge.FanOut;
using M3uProxy.Edge.Streams;

namespace M3uProxy.Edge.Upstream;

/// <summary>
/// The simplest channel policy: open the stream's current URL once; when that source ends or
/// fails, the channel ends. The retry and failover state machine replaces this policy.
/// </summary>
internal sealed class UpstreamChannelSource : IChannelSource
{
    private readonly UpstreamClient _client;
    private readonly StreamRecord _stream;
    private int _opened;

    public UpstreamChannelSource(UpstreamClient client, StreamRecord stream)
    {
        _client = client;
        _stream = stream;
    }

    public async ValueTask<IByteSource?> OpenNextAsync(SourceStop? previous, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _opened, 1) == 1)
        {
            return null;
        }

        var definition = _stream.Definition;
        var request = new UpstreamRequest(_stream.CurrentUrl ?? definition.Url, definition.UserAgent, definition.Headers);
        try
        {
            return new HttpByteSource(await _client.SendAsync(request, cancellationToken));
        }
        catch (UpstreamException)
        {
            _stream.AddError();
            throw;
        }
    }
}
