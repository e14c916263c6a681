namespace M3uProxy.Edge.Coordination;

/// <summary>The single-instance slots: per provider, the holders in memory under one lock.</summary>
internal sealed class LocalConnectionSlots : IConnectionSlots
{
    private readonly Dictionary<string, List<SlotHolder>> _held = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public ValueTask<ConnectionSlot?> TryAcquireAsync(string provider, int limit, SlotHolder holder, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_held.TryGetValue(provider, out var holders))
            {
                holders = [];
                _held[provider] = holders;
            }

            if (holders.Count >= limit)
            {
                return ValueTask.FromResult<ConnectionSlot?>(null);
            }

            holders.Add(holder);
            return ValueTask.FromResult<ConnectionSlot?>(new LocalSlot(this, provider, holder));
        }
    }

    public ValueTask<IReadOnlyList<SlotHolder>> HoldersAsync(string provider, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<SlotHolder> holders = _held.TryGetValue(provider, out var list) ? [.. list] : [];
            return ValueTask.FromResult(holders);
        }
    }

    private void Release(string provider, SlotHolder holder)
    {
        lock (_gate)
        {
            if (_held.TryGetValue(provider, out var holders) && holders.Remove(holder) && holders.Count == 0)
            {
                _held.Remove(provider);
            }
        }
    }

    private sealed class LocalSlot(LocalConnectionSlots owner, string provider, SlotHolder holder) : ConnectionSlot(provider, holder)
    {
        private int _released;

        public override ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                owner.Release(Provider, Holder);
            }

            return ValueTask.CompletedTask;
        }
    }
}
