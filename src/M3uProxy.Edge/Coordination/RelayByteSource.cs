using M3uProxy.Edge.FanOut;

namespace M3uProxy.Edge.Coordination;

/// <summary>
/// A channel's bytes relayed from the instance that owns it (its <c>/cluster/relay/{id}</c>
/// response). The owner sends keepalives while its upstream is quiet, so a relay that gets nothing
/// for <see cref="StallTimeout"/> counts the owner as gone.
/// </summary>
internal sealed class RelayByteSource : IByteSource
{
    public static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(8);

    private readonly HttpResponseMessage _response;
    private readonly Stream _body;
    private CancellationTokenSource? _stall;
    private CancellationToken _channelToken;

    public RelayByteSource(HttpResponseMessage response, Stream body, string description, long fencingToken)
    {
        _response = response;
        _body = body;
        Description = description;
        FencingToken = fencingToken;
    }

    public string Description { get; }

    /// <summary>The owner's fencing token for this channel (0 when it did not say).</summary>
    public long FencingToken { get; }

    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (_stall is null || _channelToken != cancellationToken)
        {
            _stall?.Dispose();
            _stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _channelToken = cancellationToken;
        }

        _stall.CancelAfter(StallTimeout);
        try
        {
            return await _body.ReadAsync(buffer, _stall.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new IOException($"The owning instance sent nothing for {StallTimeout.TotalSeconds:0} s");
        }
        finally
        {
            if (!_stall.IsCancellationRequested)
            {
                _stall.CancelAfter(Timeout.InfiniteTimeSpan);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _body.DisposeAsync();
        _response.Dispose();
        _stall?.Dispose();
    }
}
