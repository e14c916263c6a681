using System.Text.Json.Serialization;

namespace M3uProxy.Edge.Streams;

/// <summary>
/// Where a stream stands among its sources: the shared part of failover state. Immutable and
/// replaced as a whole, only by the stream's <c>Failover/StreamSources</c>, so readers never see
/// half a switch, and it can be stored beside the definition (the cluster keeps it in Redis).
/// </summary>
/// <param name="CurrentUrl">The URL in use when it differs from the definition's (after a failover or a sticky redirect); null otherwise.</param>
/// <param name="Index">-1 until the first failover, then the position in the failover list (seed-spec §4.1).</param>
/// <param name="Attempts">Failovers so far.</param>
/// <param name="LastFailoverTime">When the last failover happened.</param>
/// <param name="Version">Changes exactly once per advance; readers of the fan-out follow it.</param>
/// <param name="SourceState">The live source's state while a channel runs; null when none does.</param>
/// <param name="CoolingUntil">URLs that failed, skipped by the ring until the given time (circuit breaker).</param>
/// <param name="Origin">For an HLS variant: which master it came from and its position there, noted on its first request.</param>
internal sealed record FailoverPosition(
    string? CurrentUrl,
    int Index,
    int Attempts,
    DateTimeOffset? LastFailoverTime,
    long Version,
    [property: JsonConverter(typeof(JsonStringEnumConverter<SourceState>))] SourceState? SourceState,
    IReadOnlyDictionary<string, DateTimeOffset> CoolingUntil,
    VariantOrigin? Origin)
{
    public static FailoverPosition Start { get; } = new(null, -1, 0, null, 0, null, new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal), null);

    /// <summary>Back on the primary with no failover counted (a recycle); the version, state, cooldowns and origin stay, as a running channel still follows them.</summary>
    public FailoverPosition Restarted() => this with { CurrentUrl = null, Index = -1, Attempts = 0, LastFailoverTime = null };
}
