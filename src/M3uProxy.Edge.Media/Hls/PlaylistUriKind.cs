namespace M3uProxy.Edge.Media.Hls;

/// <summary>What a URI in a playlist names, judged by where it stands (not by its extension).</summary>
public enum PlaylistUriKind
{
    /// <summary>
    /// Something fetched as bytes: a media segment, a partial segment, a key, an init section
    /// (<c>EXT-X-MAP</c>), a preload hint, session data.
    /// </summary>
    Resource,

    /// <summary>
    /// Another playlist: the URI after <c>EXT-X-STREAM-INF</c>, and the <c>URI</c> of
    /// <c>EXT-X-MEDIA</c>, <c>EXT-X-I-FRAME-STREAM-INF</c>, <c>EXT-X-IMAGE-STREAM-INF</c> and
    /// <c>EXT-X-RENDITION-REPORT</c>.
    /// </summary>
    Playlist,
}
