namespace M3uProxy.Edge.LoadTests.Targets;

/// <summary>
/// Where a client plays an origin URL: the origin itself (<c>direct</c>), a pass-through reverse
/// proxy that only swaps scheme://host:port (<c>prefix:BASE</c>, e.g. nginx), or M3uProxy.Edge
/// (<c>m3u-proxy:BASE</c>), where a stream is created through the API first.
/// </summary>
internal abstract class PlaybackTarget
{
    public abstract string Kind { get; }

    /// <summary>The URL a client GETs to play <paramref name="origin"/> (with optional failover URLs).</summary>
    public abstract Task<PlaybackUrl> ResolveAsync(Uri origin, IReadOnlyList<Uri> failover, CancellationToken cancellationToken);

    /// <summary>Asks for a switch to the next source; only the proxy can.</summary>
    public virtual Task<bool> TriggerFailoverAsync(PlaybackUrl stream, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"a {Kind} target has no failover");

    public static PlaybackTarget Parse(string spec, HttpClient api, string? apiToken)
    {
        if (spec == "direct")
        {
            return new DirectTarget();
        }

        var colon = spec.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && Uri.TryCreate(spec[(colon + 1)..], UriKind.Absolute, out var baseUri))
        {
            switch (spec[..colon])
            {
                case "prefix":
                    return new PrefixTarget(baseUri);
                case "m3u-proxy":
                    return new ProxyTarget(baseUri, api, apiToken);
            }
        }

        throw new ArgumentException($"unknown target '{spec}': use direct, prefix:BASE or m3u-proxy:BASE", nameof(spec));
    }
}

/// <summary>A URL to play, and the proxy's stream id when there is one.</summary>
internal sealed record PlaybackUrl(Uri Url, string? StreamId);
