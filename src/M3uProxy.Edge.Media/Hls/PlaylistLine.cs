namespace M3uProxy.Edge.Media.Hls;

/// <summary>One line of a playlist, without its line terminator.</summary>
public readonly ref struct PlaylistLine
{
    public PlaylistLine(ReadOnlySpan<byte> text, ReadOnlySpan<byte> terminator, PlaylistLineKind kind)
    {
        Text = text;
        Terminator = terminator;
        Kind = kind;
    }

    /// <summary>The line's bytes, exactly as received (no trimming).</summary>
    public ReadOnlySpan<byte> Text { get; }

    /// <summary>The bytes that ended the line (LF, CRLF, CR, or empty for a last line without one).</summary>
    public ReadOnlySpan<byte> Terminator { get; }

    public PlaylistLineKind Kind { get; }
}
