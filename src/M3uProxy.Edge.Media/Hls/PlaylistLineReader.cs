namespace M3uProxy.Edge.Media.Hls;

/// <summary>
/// Splits a UTF-8 playlist into lines without allocating. A leading byte-order mark is skipped,
/// LF, CRLF and lone CR all end a line, and each line keeps its own terminator so that a
/// rewriter can write untouched lines back byte for byte.
/// </summary>
public ref struct PlaylistLineReader
{
    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    private ReadOnlySpan<byte> _remaining;

    public PlaylistLineReader(ReadOnlySpan<byte> playlist)
    {
        _remaining = playlist.StartsWith(Utf8Bom) ? playlist[Utf8Bom.Length..] : playlist;
    }

    public bool TryRead(out PlaylistLine line)
    {
        if (_remaining.IsEmpty)
        {
            line = default;
            return false;
        }

        var end = _remaining.IndexOfAny((byte)'\n', (byte)'\r');
        ReadOnlySpan<byte> text, terminator;
        if (end < 0)
        {
            text = _remaining;
            terminator = default;
            _remaining = default;
        }
        else
        {
            var terminatorLength = _remaining[end] == '\r' && end + 1 < _remaining.Length && _remaining[end + 1] == '\n' ? 2 : 1;
            text = _remaining[..end];
            terminator = _remaining.Slice(end, terminatorLength);
            _remaining = _remaining[(end + terminatorLength)..];
        }

        line = new PlaylistLine(text, terminator, Classify(text));
        return true;
    }

    public static PlaylistLineKind Classify(ReadOnlySpan<byte> text)
    {
        var trimmed = text.Trim(" \t"u8);
        if (trimmed.IsEmpty)
        {
            return PlaylistLineKind.Blank;
        }

        if (trimmed[0] != '#')
        {
            return PlaylistLineKind.Uri;
        }

        return trimmed.StartsWith("#EXT"u8) ? PlaylistLineKind.Tag : PlaylistLineKind.Comment;
    }
}
