namespace M3uProxy.Edge.LoadTests.Targets;

/// <summary>A pass-through reverse proxy (nginx in the benchmark): same path and query, other host.</summary>
internal sealed class PrefixTarget(Uri baseUri) : PlaybackTarget
{
    public override string Kind => "prefix";

    public override Task<PlaybackUrl> ResolveAsync(Uri origin, IReadOnlyList<Uri> failover, CancellationToken cancellationToken) =>
        Task.FromResult(new PlaybackUrl(new Uri(baseUri, origin.PathAndQuery), null));
}
