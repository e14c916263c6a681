namespace M3uProxy.Edge.Coordination;

/// <summary>
/// This instance's ownership of one channel. The fencing token grows with every grant of the
/// channel, so a late write from an owner that lost its lease can be told apart and refused.
/// <see cref="Lost"/> fires when the lease could not be kept (then the upstream must close);
/// disposing releases it, only if it is still ours.
/// </summary>
internal abstract class ChannelLease : IAsyncDisposable
{
    protected ChannelLease(string channelId, long fencingToken)
    {
        ChannelId = channelId;
        FencingToken = fencingToken;
    }

    public string ChannelId { get; }

    /// <summary>The grant's token; a lease taken while Redis was unreachable gets its token once Redis answers.</summary>
    public long FencingToken { get; protected set; }

    public abstract CancellationToken Lost { get; }

    public abstract ValueTask DisposeAsync();
}
