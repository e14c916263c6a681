namespace M3uProxy.Edge.Coordination;

/// <summary>One held connection slot of a provider; disposing gives it back (once).</summary>
internal abstract class ConnectionSlot : IAsyncDisposable
{
    protected ConnectionSlot(string provider, SlotHolder holder)
    {
        Provider = provider;
        Holder = holder;
    }

    public string Provider { get; }

    public SlotHolder Holder { get; }

    public abstract ValueTask DisposeAsync();
}
