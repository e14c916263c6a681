using M3uProxy.Edge.FanOut;
using M3uProxy.Edge.Streams;
using M3uProxy.Edge.Upstream;

namespace M3uProxy.Edge.Coordination;

/// <summary>
/// What feeds a live channel in a cluster. Each time the channel needs a source it takes the
/// channel's lease if it can, and then reads its own upstream (the local source: failover, provider
/// slot, transcoder) for as long as it holds it; otherwise it relays from the owner. A relay that
/// breaks (owner killed or shut down) brings it back here, so the instance with viewers takes the
/// lease once it is free and reconnects upstream, while its viewers keep their responses
/// (the channel's keepalives fill the gap). Gives up when for <see cref="GiveUpAfter"/> neither works.
/// </summary>
internal sealed partial class ClusterChannelSource : IChannelSource
{
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan _retryEvery = TimeSpan.FromMilliseconds(250);

    private readonly StreamRecord _stream;
    private readonly Func<IChannelSource> _createLocal;
    private readonly ClusterChannels _cluster;
    private IChannelSource? _local;
    private bool _localStarted;
    private ChannelLease? _lease;
    private Exception? _lastError;
    private long _highestToken;
    private bool _ownerFailed;

    public ClusterChannelSource(StreamRecord stream, Func<IChannelSource> createLocal, ClusterChannels cluster)
    {
        _stream = stream;
        _createLocal = createLocal;
        _cluster = cluster;
    }

    public Exception? LastError => _local?.LastError ?? _lastError;

    public async ValueTask<IByteSource?> OpenNextAsync(SourceStop? previous, CancellationToken cancellationToken)
    {
        var time = _cluster.Time;
        var since = time.GetTimestamp();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_lease is { } lease)
            {
                if (!lease.Lost.IsCancellationRequested)
                {
                    var next = await _local!.OpenNextAsync(_localStarted ? previous : null, cancellationToken);
                    _localStarted = true;
                    return next is null ? null : new LeasedByteSource(next, lease.Lost);
                }

                await DropLeaseAsync();
            }

            var released = _cluster.Ownership.Released(_stream.Id); // asked first: a release while we ask is not missed
            if (await _cluster.Ownership.TryAcquireAsync(_stream.Id, cancellationToken) is { } acquired)
            {
                Log.Owning(_cluster.Logger, _stream.Id, acquired.FencingToken);
                _lease = acquired;
                _cluster.Hold(acquired);
                _local = _createLocal();
                _localStarted = false;
                continue;
            }

            if (await TryRelayAsync(cancellationToken) is { } relay)
            {
                return relay;
            }

            if (time.GetElapsedTime(since) > GiveUpAfter || _ownerFailed)
            {
                return null;
            }

            // The next try, or at once when the owner releases the lease (a graceful stop hands over without waiting).
            await Task.WhenAny(released, Task.Delay(_retryEvery, time, cancellationToken));
        }
    }

    private async Task<IByteSource?> TryRelayAsync(CancellationToken cancellationToken)
    {
        var owner = await _cluster.Ownership.FindOwnerAsync(_stream.Id, cancellationToken);
        if (owner is not { AdvertiseUrl.Length: > 0 } || owner.WorkerId == _cluster.Self.WorkerId)
        {
            return null; // nobody owns it (or it is this instance's old lease ending): take it next round
        }

        try
        {
            var relay = await _cluster.OpenRelayAsync(owner, _stream, cancellationToken);
            if (relay.FencingToken > 0 && relay.FencingToken < _highestToken)
            {
                await relay.DisposeAsync(); // an owner that lost its lease and does not know it yet
                return null;
            }

            _highestToken = Math.Max(_highestToken, relay.FencingToken);
            _lastError = null;
            _ownerFailed = false;
            Log.Relaying(_cluster.Logger, _stream.Id, owner.WorkerId, relay.FencingToken);
            return _stream.Definition.Kind == StreamKind.TranscodedHls ? new HeartbeatRelaySource(relay) : relay;
        }
        catch (RelayRefusedException refused)
        {
            Log.RelayRefused(_cluster.Logger, _stream.Id, owner.WorkerId, refused.Message);
            _lastError = new UpstreamException(UpstreamFailure.Connect, "The instance that owns this channel cannot relay it: " + refused.Message);
            _ownerFailed = false;
            return null;
        }
        catch (UpstreamException failed)
        {
            _lastError = failed; // the owner's upstream failed: passed on to the viewers here
            _ownerFailed = true;
            return null;
        }
    }

    private async ValueTask DropLeaseAsync()
    {
        if (_local is { } local)
        {
            _lastError = local.LastError ?? _lastError; // what a viewer still waiting for its first byte is told
            _local = null;
            local.Dispose();
        }

        if (_lease is { } lease)
        {
            _lease = null;
            _cluster.Forget(lease);
            await lease.DisposeAsync();
        }
    }

    public void Dispose() => _ = DropLeaseAsync().AsTask(); // never throws: Redis failures are handled inside

    private static partial class Log
    {
        [LoggerMessage(842, LogLevel.Information, "Channel {StreamId}: owned here (fencing token {Token}), reading its upstream")]
        public static partial void Owning(ILogger logger, string streamId, long token);

        [LoggerMessage(843, LogLevel.Information, "Channel {StreamId}: relaying from {Owner} (fencing token {Token})")]
        public static partial void Relaying(ILogger logger, string streamId, string owner, long token);

        [LoggerMessage(844, LogLevel.Debug, "Channel {StreamId}: no relay from {Owner} yet ({Reason})")]
        public static partial void RelayRefused(ILogger logger, string streamId, string owner, string reason);
    }
}
