using M3uProxy.Edge.FanOut;
using M3uProxy.Edge.Streams;
using M3uProxy.Edge.Upstream;

namespace M3uProxy.Edge.Coordination;

/// <summary>
/// Holds a provider connection slot for the life of a live channel: taken before the inner source
/// opens its first upstream, given back when the channel ends (after its last upstream closed).
/// </summary>
internal sealed class ProviderSlotChannelSource : IChannelSource
{
    private readonly IChannelSource _inner;
    private readonly ProviderLimits _limits;
    private readonly StreamRecord _stream;
    private ConnectionSlot? _slot;
    private bool _asked;
    private UpstreamException? _refused;

    public ProviderSlotChannelSource(IChannelSource inner, ProviderLimits limits, StreamRecord stream)
    {
        _inner = inner;
        _limits = limits;
        _stream = stream;
    }

    public Exception? LastError => _refused ?? _inner.LastError;

    public async ValueTask<IByteSource?> OpenNextAsync(SourceStop? previous, CancellationToken cancellationToken)
    {
        if (!_asked)
        {
            _asked = true;
            try
            {
                _slot = await _limits.AcquireAsync(_stream, cancellationToken);
            }
            catch (UpstreamException refused)
            {
                _refused = refused;
                return null;
            }
        }

        return await _inner.OpenNextAsync(previous, cancellationToken);
    }

    public void Dispose()
    {
        _inner.Dispose();
        if (_slot is { } slot)
        {
            _ = slot.DisposeAsync().AsTask(); // gives the slot back; never throws
        }
    }
}
