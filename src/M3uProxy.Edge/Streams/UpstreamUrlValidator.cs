namespace M3uProxy.Edge.Streams;

/// <summary>
/// Checks an upstream URL with the reference's rules and messages (seed-spec §2.3): non-empty,
/// http or https, with a host. Unlike the reference it does not reject URLs that merely contain
/// <c>data:</c> (e.g. <c>/metadata:1</c>); it rejects control characters and white space instead.
/// </summary>
internal static class UpstreamUrlValidator
{
    /// <summary>Null when the URL is acceptable, else the reference's message.</summary>
    public static string? Validate(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return "URL cannot be empty";
        }

        var colon = url.IndexOf(':', StringComparison.Ordinal);
        var scheme = colon > 0 ? url[..colon] : "";
        if (!scheme.Equals("http", StringComparison.OrdinalIgnoreCase) && !scheme.Equals("https", StringComparison.OrdinalIgnoreCase))
        {
            return "URL must use HTTP or HTTPS protocol";
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Host.Length == 0 || !url.AsSpan(colon).StartsWith("://"))
        {
            return "URL must have a valid domain";
        }

        foreach (var c in url)
        {
            if (char.IsControl(c) || char.IsWhiteSpace(c))
            {
                return "URL contains invalid characters";
            }
        }

        return null;
    }
}
