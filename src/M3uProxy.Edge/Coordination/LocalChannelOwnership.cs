namespace M3uProxy.Edge.Coordination;

/// <summary>The single-instance owner: every channel is owned here, and a lease is never lost.</summary>
internal sealed class LocalChannelOwnership : IChannelOwnership
{
    private static readonly Task _never = new TaskCompletionSource().Task;

    private readonly InstanceInfo _self;
    private long _tokens;

    public LocalChannelOwnership(InstanceInfo self)
    {
        _self = self;
    }

    public ValueTask<ChannelLease?> TryAcquireAsync(string channelId, CancellationToken cancellationToken)
        => ValueTask.FromResult<ChannelLease?>(new LocalLease(channelId, Interlocked.Increment(ref _tokens)));

    public ValueTask<InstanceInfo?> FindOwnerAsync(string channelId, CancellationToken cancellationToken)
        => ValueTask.FromResult<InstanceInfo?>(_self);

    public Task Released(string channelId) => _never; // nobody else ever holds a lease here

    private sealed class LocalLease(string channelId, long token) : ChannelLease(channelId, token)
    {
        public override CancellationToken Lost => CancellationToken.None;

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
