namespace M3uProxy.Edge.Testing;

/// <summary>A single <c>Range: bytes=</c> request resolved against a length (RFC 9110 §14.1.2).</summary>
internal readonly record struct ByteRange(long Start, long Length)
{
    public long End => Start + Length - 1;

    /// <summary>
    /// Null when the header is absent, malformed or multi-range (served as a plain 200, as RFC 9110
    /// allows); <paramref name="satisfiable"/> is false when it must be answered 416.
    /// </summary>
    public static ByteRange? Parse(string? header, long length, out bool satisfiable)
    {
        satisfiable = true;
        const string Prefix = "bytes=";
        if (header is null || !header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) || header.Contains(',', StringComparison.Ordinal))
        {
            return null;
        }

        var spec = header.AsSpan(Prefix.Length).Trim();
        var dash = spec.IndexOf('-');
        if (dash < 0)
        {
            return null;
        }

        var first = spec[..dash].Trim();
        var last = spec[(dash + 1)..].Trim();
        if (first.IsEmpty)
        {
            // Suffix range: the last n bytes.
            if (!long.TryParse(last, out var suffix) || suffix < 0)
            {
                return null;
            }

            if (suffix == 0 || length == 0)
            {
                satisfiable = false;
                return null;
            }

            var take = Math.Min(suffix, length);
            return new ByteRange(length - take, take);
        }

        if (!long.TryParse(first, out var start) || start < 0)
        {
            return null;
        }

        var end = length - 1;
        if (!last.IsEmpty)
        {
            if (!long.TryParse(last, out end) || end < start)
            {
                return null;
            }
        }

        if (start >= length)
        {
            satisfiable = false;
            return null;
        }

        end = Math.Min(end, length - 1);
        return new ByteRange(start, end - start + 1);
    }
}
