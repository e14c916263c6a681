using M3uProxy.Edge.FanOut;

namespace M3uProxy.Edge.Coordination;

/// <summary>
/// The relay of a channel that carries no bytes: a transcoder writing HLS files, whose playlist and
/// segments the other instances fetch from the owner per request. The relay only holds the owner's
/// transcoder while viewers here watch, and tells when the owner is gone: the owner sends a
/// heartbeat, which this source swallows, and it ends when the relay does (the channel then takes
/// the lease and starts the transcoder here, or relays from the new owner).
/// </summary>
internal sealed class HeartbeatRelaySource(RelayByteSource relay) : IByteSource
{
    /// <summary>How often the owner writes a heartbeat (well within the relay's stall timeout).</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    private readonly byte[] _scratch = new byte[64];

    public string Description => relay.Description;

    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (await relay.ReadAsync(_scratch, cancellationToken) > 0)
        {
            // A heartbeat: the owner is there.
        }

        return 0;
    }

    public ValueTask DisposeAsync() => relay.DisposeAsync();
}
