namespace M3uProxy.Edge.Media.Hls;

/// <summary>Tells a playlist from other bodies (a TS stream, an HTML error page) by its first bytes.</summary>
public static class PlaylistSniffer
{
    private static ReadOnlySpan<byte> Header => "#EXTM3U"u8;

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>
    /// True when the bytes begin with <c>#EXTM3U</c>, after an optional UTF-8 byte-order mark and
    /// leading white space, as RFC 8216 §4.3.1.1 requires of every playlist.
    /// </summary>
    public static bool IsPlaylist(ReadOnlySpan<byte> start)
    {
        if (start.StartsWith(Utf8Bom))
        {
            start = start[Utf8Bom.Length..];
        }

        start = start.TrimStart(" \t\r\n"u8);
        return start.StartsWith(Header);
    }
}
