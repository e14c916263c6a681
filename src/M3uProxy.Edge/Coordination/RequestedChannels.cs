using System.Collections.Concurrent;
using M3uProxy.Edge.Streams;

namespace M3uProxy.Edge.Coordination;

/// <summary>
/// Ownership of the channels read per request rather than by a pump (an HLS source: its playlists
/// and segments are fetched when players ask). The first instance with a viewer takes the
/// channel's lease (the same lease, fencing included, as a live channel's) and keeps it while it
/// holds the stream; the others fetch from it. When the owner is gone (its lease expired) the next
/// request takes the lease and fetches upstream itself. The owner also holds a lease under each of
/// the stream's parts it serves (an HLS variant): an instance asked for a part it never saw (a
/// variant's segment, hashed elsewhere by a balancer) finds the owner by the part's id alone.
/// On a single instance everything is local.
/// </summary>
internal sealed partial class RequestedChannels
{
    private const int MaxRemembered = 1024;

    /// <summary>How long a request waits for a lease a vanished owner still holds (its expiry is 3 s).</summary>
    public static readonly TimeSpan TakeoverWait = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan _retryEvery = TimeSpan.FromMilliseconds(250);

    // An owner found in Redis is trusted this long before it is looked up again (a segment request
    // per viewer per target duration need not each ask Redis).
    private static readonly TimeSpan _ownerKnownFor = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, ChannelLease> _held = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (InstanceInfo Owner, long Since)> _owners = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _highestTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task<InstanceInfo?>> _resolving = new(StringComparer.Ordinal);
    private readonly ClusterChannels _cluster;

    public RequestedChannels(ClusterChannels cluster)
    {
        _cluster = cluster;
    }

    public bool IsShared => _cluster.IsShared;

    /// <summary>The fencing token of this instance's lease on the channel; null when it does not hold it.</summary>
    public long? HeldToken(string streamId)
        => _held.TryGetValue(streamId, out var lease) && !lease.Lost.IsCancellationRequested ? lease.FencingToken : null;

    /// <summary>
    /// The instance to fetch <paramref name="stream"/> from; null when this one fetches upstream
    /// (it holds the lease, took it now, or there is no cluster). <paramref name="unreachable"/>
    /// is an owner that just failed to answer: not returned again, its lease is waited out.
    /// Throws <see cref="RelayRefusedException"/> when no owner answers within <see cref="TakeoverWait"/>.
    /// </summary>
    public async ValueTask<InstanceInfo?> OwnerElsewhereAsync(StreamRecord stream, InstanceInfo? unreachable, CancellationToken cancellationToken)
    {
        if (!_cluster.IsShared || HeldToken(stream.Id) is not null)
        {
            return null;
        }

        if (unreachable is null && _owners.TryGetValue(stream.Id, out var known) && _cluster.Time.GetElapsedTime(known.Since) < _ownerKnownFor)
        {
            return known.Owner;
        }

        // One resolution per channel at a time: two requests here must not both take the lease.
        var mine = new TaskCompletionSource<InstanceInfo?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var resolving = _resolving.GetOrAdd(stream.Id, mine.Task);
        if (resolving == mine.Task)
        {
            _ = ResolveOnceAsync(stream, unreachable, mine);
        }

        return await resolving.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// When this instance owns <paramref name="stream"/>, takes the lease of its
    /// <paramref name="part"/> too (once; released with the stream's lease or the part's record),
    /// so <see cref="FindPartOwnerAsync"/> finds this instance by the part's id.
    /// </summary>
    public ValueTask HoldPartAsync(StreamRecord part, StreamRecord stream)
    {
        if (!_cluster.IsShared || !_held.TryGetValue(stream.Id, out var owned) || owned.Lost.IsCancellationRequested || _held.ContainsKey(part.Id))
        {
            return ValueTask.CompletedTask;
        }

        return new ValueTask(HoldPartAsync(part, stream, owned));
    }

    /// <summary>The instance that owns the stream a part (an HLS variant) unknown here belongs to; null when none does, or this one.</summary>
    public async ValueTask<InstanceInfo?> FindPartOwnerAsync(string partId, CancellationToken cancellationToken)
    {
        if (!_cluster.IsShared)
        {
            return null;
        }

        if (_owners.TryGetValue(partId, out var known) && _cluster.Time.GetElapsedTime(known.Since) < _ownerKnownFor)
        {
            return known.Owner;
        }

        var owner = await _cluster.Ownership.FindOwnerAsync(partId, cancellationToken);
        if (owner is not { AdvertiseUrl.Length: > 0 } || owner.WorkerId == _cluster.Self.WorkerId)
        {
            return null;
        }

        Remember(partId, owner);
        return owner;
    }

    /// <summary>Notes an owner's fencing token; false when an owner with a larger one answered before (this one lost its lease).</summary>
    public bool Accepts(StreamRecord stream, long token)
    {
        if (token <= 0)
        {
            return true;
        }

        if (_highestTokens.TryAdd(stream.Id, token))
        {
            stream.Lifetime.Register(() => _highestTokens.TryRemove(stream.Id, out _)); // forgotten with the stream
            return true;
        }

        var highest = _highestTokens.AddOrUpdate(stream.Id, token, (_, seen) => Math.Max(seen, token));
        if (token >= highest)
        {
            return true;
        }

        _owners.TryRemove(stream.Id, out _);
        return false;
    }

    /// <summary>Forgets the owner found for the channel (it answered that it is not the owner any more).</summary>
    public void Forget(string streamId) => _owners.TryRemove(streamId, out _);

    private void Remember(string id, InstanceInfo owner)
    {
        var now = _cluster.Time.GetTimestamp();
        if (_owners.Count >= MaxRemembered)
        {
            // Only a second's worth is of use: what is older goes, so ids seen once do not pile up.
            foreach (var (known, entry) in _owners)
            {
                if (_cluster.Time.GetElapsedTime(entry.Since, now) >= _ownerKnownFor)
                {
                    _owners.TryRemove(new KeyValuePair<string, (InstanceInfo, long)>(known, entry));
                }
            }
        }

        _owners[id] = (owner, now);
    }

    // Not cancelled by the request that started it: others may wait for it (bounded by TakeoverWait).
    private async Task ResolveOnceAsync(StreamRecord stream, InstanceInfo? unreachable, TaskCompletionSource<InstanceInfo?> resolution)
    {
        try
        {
            resolution.SetResult(await ResolveAsync(stream, unreachable));
        }
        catch (Exception exception)
        {
            resolution.SetException(exception);
        }
        finally
        {
            _resolving.TryRemove(new KeyValuePair<string, Task<InstanceInfo?>>(stream.Id, resolution.Task));
        }
    }

    private async Task<InstanceInfo?> ResolveAsync(StreamRecord stream, InstanceInfo? unreachable)
    {
        var time = _cluster.Time;
        var since = time.GetTimestamp();
        while (true)
        {
            var released = _cluster.Ownership.Released(stream.Id); // asked first: a release while we ask is not missed
            var owner = await _cluster.Ownership.FindOwnerAsync(stream.Id, CancellationToken.None);
            if (owner is { AdvertiseUrl.Length: > 0 } && owner.WorkerId != _cluster.Self.WorkerId && owner.WorkerId != unreachable?.WorkerId)
            {
                Remember(stream.Id, owner);
                return owner;
            }

            // Redis cannot tell (it is down) or nobody holds the lease: the last owner known here is
            // asked first — it still fetches (its lease cannot be taken while Redis is away), or takes
            // the lease again — so a Redis outage does not send every instance to the provider.
            if (owner is null && _owners.TryGetValue(stream.Id, out var last) && last.Owner.WorkerId != unreachable?.WorkerId)
            {
                return last.Owner;
            }

            if (HeldToken(stream.Id) is null && await _cluster.Ownership.TryAcquireAsync(stream.Id, CancellationToken.None) is { } lease)
            {
                Hold(stream, lease);
                return null;
            }

            if (time.GetElapsedTime(since) > TakeoverWait)
            {
                _owners.TryRemove(stream.Id, out _);
                throw new RelayRefusedException($"the instance that owns stream {stream.Id} did not answer, and its lease did not pass on within {TakeoverWait.TotalSeconds:0} s");
            }

            // The next try, or at once when the owner releases the lease (a graceful stop hands over without waiting).
            await Task.WhenAny(released, Task.Delay(_retryEvery, time));
        }
    }

    private async Task HoldPartAsync(StreamRecord part, StreamRecord stream, ChannelLease owned)
    {
        if (!_resolving.TryAdd(part.Id, Task.FromResult<InstanceInfo?>(null)))
        {
            return; // being taken already
        }

        try
        {
            // Null while the previous owner's lease on the part runs out: the next request asks again.
            if (await _cluster.Ownership.TryAcquireAsync(part.Id, CancellationToken.None) is { } lease)
            {
                Hold(part, lease, stream.Lifetime, owned.Lost);
            }
        }
        finally
        {
            _resolving.TryRemove(part.Id, out _);
        }
    }

    // Held while the stream lives here (reaped, deleted or shut down: released) or until it is lost
    // (a part's: also when its stream's ends).
    private void Hold(StreamRecord stream, ChannelLease lease, params CancellationToken[] alsoEndedBy)
    {
        Log.Owning(_cluster.Logger, stream.Id, lease.FencingToken);
        if (_held.TryGetValue(stream.Id, out var old))
        {
            _ = ReleaseAsync(stream.Id, old);
        }

        _held[stream.Id] = lease;
        _owners.TryRemove(stream.Id, out _);
        foreach (var ended in (CancellationToken[])[stream.Lifetime, lease.Lost, .. alsoEndedBy])
        {
            ended.Register(() => _ = ReleaseAsync(stream.Id, lease));
        }
    }

    private async Task ReleaseAsync(string streamId, ChannelLease lease)
    {
        _held.TryRemove(new KeyValuePair<string, ChannelLease>(streamId, lease));
        await lease.DisposeAsync(); // never throws: Redis failures are handled inside
    }

    private static partial class Log
    {
        [LoggerMessage(870, LogLevel.Information, "Stream {StreamId}: fetched here for the cluster (fencing token {Token})")]
        public static partial void Owning(ILogger logger, string streamId, long token);
    }
}
