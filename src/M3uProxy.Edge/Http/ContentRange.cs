using System.Globalization;

namespace M3uProxy.Edge.Http;

/// <summary>A parsed <c>Content-Range: bytes first-last/total</c> (total may be <c>*</c>).</summary>
internal readonly record struct ContentRange(long First, long Last, long? Total)
{
    public long Length => Last - First + 1;

    /// <summary>The client's Range when it is a single <c>bytes=</c> range (anything else is not forwarded).</summary>
    public static string? SingleRangeOf(HttpRequest request)
    {
        var range = request.Headers.Range.ToString();
        return range.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase) && !range.Contains(',', StringComparison.Ordinal) ? range : null;
    }

    public static bool TryParse(string? value, out ContentRange range)
    {
        range = default;
        if (value is null || !value.StartsWith("bytes ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var span = value.AsSpan(6).Trim();
        var dash = span.IndexOf('-');
        var slash = span.IndexOf('/');
        if (dash <= 0 || slash <= dash)
        {
            return false;
        }

        if (!long.TryParse(span[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var first)
            || !long.TryParse(span[(dash + 1)..slash], NumberStyles.None, CultureInfo.InvariantCulture, out var last)
            || last < first)
        {
            return false;
        }

        long? total = null;
        var totalText = span[(slash + 1)..];
        if (totalText is not "*")
        {
            if (!long.TryParse(totalText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                return false;
            }

            total = parsed;
        }

        range = new ContentRange(first, last, total);
        return true;
    }
}
