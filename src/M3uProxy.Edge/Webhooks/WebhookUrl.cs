namespace M3uProxy.Edge.Webhooks;

/// <summary>
/// The reference stores webhook URLs as pydantic <c>HttpUrl</c>s, so a bare host gains a trailing
/// slash (<c>https://x.com</c> → <c>https://x.com/</c>) and scheme and host are lower-cased.
/// Lookups normalise too, so both spellings find the webhook.
/// </summary>
internal static class WebhookUrl
{
    /// <summary>Null when <paramref name="url"/> is not an absolute http(s) URL with a host.</summary>
    public static string? Normalize(string? url)
    {
        if (string.IsNullOrWhiteSpace(url)
            || !Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || uri.Host.Length == 0)
        {
            return null;
        }

        return uri.AbsoluteUri;
    }
}
