namespace M3uProxy.Edge.Media.Hls;

/// <summary>What a playlist line is, by RFC 8216 §4.1.</summary>
public enum PlaylistLineKind
{
    /// <summary>An empty or whitespace-only line.</summary>
    Blank,

    /// <summary>A line starting with <c>#EXT</c>.</summary>
    Tag,

    /// <summary>Any other line starting with <c>#</c>.</summary>
    Comment,

    /// <summary>A line naming a media segment or a playlist.</summary>
    Uri,
}
