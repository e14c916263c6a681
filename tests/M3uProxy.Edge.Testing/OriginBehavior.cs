namespace M3uProxy.Edge.Testing;

/// <summary>
/// Faults a <see cref="FakeOrigin"/> resource injects, checked in declaration order: delay, status,
/// redirect, required headers, then the body faults. When several body faults are set, the one
/// with the smallest byte count fires (a reset wins a tie, then a drop, then a stall). Byte counts are
/// body bytes of the one response (from the range start for a 206); a limit at or beyond the end of a
/// finite body never fires.
/// </summary>
public sealed record OriginBehavior
{
    /// <summary>No faults.</summary>
    public static OriginBehavior Healthy { get; } = new();

    /// <summary>Wait this long before answering anything.</summary>
    public TimeSpan DelayBeforeHeaders { get; init; }

    /// <summary>Answer with this status and a short text body instead of the content.</summary>
    public int? StatusCode { get; init; }

    /// <summary>Answer 302 to this path (with optional query) on the same origin.</summary>
    public string? RedirectTo { get; init; }

    /// <summary>Answer 403 unless every header is present with exactly this value.</summary>
    public IReadOnlyDictionary<string, string>? RequiredHeaders { get; init; }

    /// <summary>Close the connection (FIN, no terminating chunk) after this many body bytes.</summary>
    public long? DropAfterBytes { get; init; }

    /// <summary>Stop sending after this many body bytes but keep the connection open.</summary>
    public long? StallAfterBytes { get; init; }

    /// <summary>Abort the TCP connection with an RST after this many body bytes.</summary>
    public long? ResetAfterBytes { get; init; }
}
