namespace M3uProxy.Edge.Coordination;

/// <summary>
/// Which instance owns a channel's upstream (a live stream's source, a transcode's ffmpeg): one
/// owner cluster-wide, held as a lease with a fencing token. The others relay from the owner.
/// On a single instance every channel is owned here (<see cref="LocalChannelOwnership"/>).
/// </summary>
internal interface IChannelOwnership
{
    /// <summary>Takes the channel's lease; null when another instance holds it.</summary>
    ValueTask<ChannelLease?> TryAcquireAsync(string channelId, CancellationToken cancellationToken);

    /// <summary>The instance that holds the channel's lease now; null when none does.</summary>
    ValueTask<InstanceInfo?> FindOwnerAsync(string channelId, CancellationToken cancellationToken);

    /// <summary>
    /// Completes when the channel's holder releases its lease (it stopped the channel, or shuts
    /// down), so an instance waiting for the lease asks again at once instead of at its next retry.
    /// Ask before trying to take the lease, so a release meanwhile is not missed.
    /// </summary>
    Task Released(string channelId);
}
