namespace M3uProxy.Edge.Media.Hls;

/// <summary>
/// Percent-encodes every byte but the RFC 3986 unreserved ones (letters, digits, <c>-._~</c>), as
/// Python's <c>quote(s, safe="")</c> does, so a whole URL fits in one query parameter.
/// </summary>
public static class PercentEncoding
{
    private static ReadOnlySpan<byte> Hex => "0123456789ABCDEF"u8;

    public static int MaxEncodedLength(int length) => length * 3;

    /// <summary>Encodes into <paramref name="destination"/> (at least <see cref="MaxEncodedLength"/> long); returns the length written.</summary>
    public static int Encode(ReadOnlySpan<byte> value, Span<byte> destination)
    {
        var length = 0;
        foreach (var b in value)
        {
            if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~')
            {
                destination[length++] = b;
            }
            else
            {
                destination[length++] = (byte)'%';
                destination[length++] = Hex[b >> 4];
                destination[length++] = Hex[b & 0xF];
            }
        }

        return length;
    }
}
