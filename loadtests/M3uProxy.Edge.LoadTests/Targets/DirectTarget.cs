namespace M3uProxy.Edge.LoadTests.Targets;

/// <summary>Clients fetch from the origin itself: the upper bound every proxy is compared with.</summary>
internal sealed class DirectTarget : PlaybackTarget
{
    public override string Kind => "direct";

    public override Task<PlaybackUrl> ResolveAsync(Uri origin, IReadOnlyList<Uri> failover, CancellationToken cancellationToken) =>
        Task.FromResult(new PlaybackUrl(origin, null));
}
