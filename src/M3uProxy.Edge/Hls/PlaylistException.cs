namespace M3uProxy.Edge.Hls;

/// <summary>A playlist could not be had; carries the answer the player gets and the upstream's status for failover.</summary>
internal sealed class PlaylistException : Exception
{
    public const string ReasonPrefix = "playlist_fetch_error_";

    public PlaylistException(int statusCode, string detail, string reason, int? upstreamStatus = null, Exception? inner = null)
        : base(detail, inner)
    {
        StatusCode = statusCode;
        Reason = reason;
        UpstreamStatus = upstreamStatus;
    }

    /// <summary>What the player is answered: 502 for a body that is not a playlist, 503 when no source answers.</summary>
    public int StatusCode { get; }

    /// <summary>The failover trigger reason (<c>playlist_fetch_error_…</c>).</summary>
    public string Reason { get; }

    /// <summary>The reason without its prefix (<c>Connect</c>, <c>Status</c>, <c>NotAPlaylist</c> …): the upstream error kind in the metrics.</summary>
    public string Kind => Reason.StartsWith(ReasonPrefix, StringComparison.Ordinal) ? Reason[ReasonPrefix.Length..] : Reason;

    public int? UpstreamStatus { get; }
}
