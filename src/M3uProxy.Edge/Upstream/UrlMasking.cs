using System.Text.RegularExpressions;

namespace M3uProxy.Edge.Upstream;

/// <summary>
/// Hides credentials in URLs before they reach a log line: user-info, token-like query values,
/// and the user/password path segments of Xtream-style URLs (<c>/live/user/pass/1.ts</c>).
/// </summary>
internal static partial class UrlMasking
{
    private const string Hidden = "***";

    [GeneratedRegex(@"(?<=[?&](?:token|auth|key|api_key|apikey|password|pass|pwd|signature|sig|secret|access_token|username|user|u)=)[^&#]*", RegexOptions.IgnoreCase)]
    private static partial Regex TokenQueryValue();

    [GeneratedRegex(@"(?<=/(?:live|movie|series|timeshift)/)[^/]+/[^/]+(?=/)", RegexOptions.IgnoreCase)]
    private static partial Regex XtreamCredentials();

    [GeneratedRegex(@"(?<=://)[^/@]+@")]
    private static partial Regex UserInfo();

    [GeneratedRegex(@"\b[a-z][a-z0-9+.-]*://[^\s""'<>]+", RegexOptions.IgnoreCase)]
    private static partial Regex UrlInText();

    /// <summary>Masks every URL inside free text (exception messages, upstream error bodies).</summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(text))]
    public static string? MaskText(string? text)
        => text is null || !text.Contains("://", StringComparison.Ordinal) ? text : UrlInText().Replace(text, m => Mask(m.Value));

    public static string Mask(string url)
    {
        var masked = UserInfo().Replace(url, Hidden + "@");
        masked = XtreamCredentials().Replace(masked, Hidden + "/" + Hidden);
        return TokenQueryValue().Replace(masked, Hidden);
    }
}
