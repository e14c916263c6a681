namespace M3uProxy.Edge.Coordination;

/// <summary>
/// A provider's connection slots: at most a limit of upstream connections per provider, held as
/// leases that end with their holder (disposed, or its instance gone), never as counters that
/// can leak. Asked before an upstream connection opens. What to do when the slots are full
/// (refuse, or stop another holder) is the caller's policy.
/// </summary>
internal interface IConnectionSlots
{
    /// <summary>Takes one of <paramref name="provider"/>'s slots when fewer than <paramref name="limit"/> are held; null when all are.</summary>
    ValueTask<ConnectionSlot?> TryAcquireAsync(string provider, int limit, SlotHolder holder, CancellationToken cancellationToken);

    /// <summary>Who holds the provider's slots now, oldest first.</summary>
    ValueTask<IReadOnlyList<SlotHolder>> HoldersAsync(string provider, CancellationToken cancellationToken);
}
