namespace M3uProxy.Edge.Upstream;

/// <summary>
/// Tells a page (a provider's "buy a plan" HTML, a JSON error, an XML fault) from media, so a
/// live stream does not pass it to a player as video. By the declared type first; a body whose
/// first non-blank byte is <c>&lt;</c> or <c>{</c> is a page whatever it declares (media never
/// starts so: TS starts with 0x47, MP3 with ID3 or 0xFF, FLV with "FLV").
/// </summary>
internal static class PageDetection
{
    public static bool IsPageType(string? mediaType) => mediaType is not null
        && (mediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("application/xhtml+xml", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("application/problem+json", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("application/xml", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("text/xml", StringComparison.OrdinalIgnoreCase));

    /// <summary>How many bytes after the opening <c>&lt;</c> or <c>{</c> must be text to call it a page.</summary>
    public const int TextWindow = 32;

    /// <summary>
    /// True: a page; false: media; null: too few bytes to tell, look again with more. A live TS
    /// joined mid-packet may start with any byte, so the opening character alone is not enough:
    /// the next <see cref="TextWindow"/> bytes must be printable text too.
    /// </summary>
    public static bool? LooksLikePage(ReadOnlySpan<byte> firstBytes, bool complete)
    {
        var start = firstBytes.StartsWith("\uFEFF"u8) ? 3 : 0; // a UTF-8 byte-order mark
        var rest = firstBytes[start..];
        var opening = rest.IndexOfAnyExcept(" \t\r\n"u8);
        if (opening < 0)
        {
            return complete ? false : null;
        }

        if (rest[opening] is not ((byte)'<' or (byte)'{'))
        {
            return false;
        }

        var window = rest[opening..];
        if (window.Length < TextWindow && !complete)
        {
            return null;
        }

        foreach (var b in window[..Math.Min(window.Length, TextWindow)])
        {
            if (b is < 0x20 and not ((byte)'\t' or (byte)'\r' or (byte)'\n') or 0x7F)
            {
                return false;
            }
        }

        return true;
    }
}
