using System.Text;
using System.Text.RegularExpressions;

namespace M3uProxy.Edge.Tests.Hls;

/// <summary>
/// An independent reading of a rewritten playlist, written apart from the rewriter: every URI a
/// player could take from it (URI lines, and every <c>URI=</c>-style attribute outside
/// <c>#EXTINF</c>) must be a signed proxy URL for an http(s) target, or an inline
/// <c>data:</c>/<c>skd:</c> URI. Returns the first offending line, or null.
/// </summary>
internal static partial class ProxiedUriChecker
{
    public static string? FindUnproxiedUri(byte[] output, string streamId)
    {
        var text = Encoding.UTF8.GetString(output);
        foreach (var raw in LineBreak().Split(text))
        {
            var line = raw.Trim(' ', '\t');
            if (line.Length == 0)
            {
                continue;
            }

            if (!line.StartsWith('#'))
            {
                if (!IsAllowed(line, streamId))
                {
                    return line;
                }

                continue;
            }

            if (!line.StartsWith("#EXT", StringComparison.Ordinal) || line.StartsWith("#EXTINF:", StringComparison.Ordinal) || line == "#EXTINF")
            {
                continue; // comments and EXTINF titles are not URIs
            }

            foreach (var marker in new[] { "URI=", "X-ASSET-LIST=" })
            {
                for (var at = line.IndexOf(marker, StringComparison.Ordinal); at >= 0; at = line.IndexOf(marker, at + 1, StringComparison.Ordinal))
                {
                    var start = at + marker.Length;
                    var close = start < line.Length && line[start] == '"' ? line.IndexOf('"', start + 1) : -1;
                    if (close < 0 || !IsAllowed(line[(start + 1)..close], streamId))
                    {
                        return line;
                    }
                }
            }
        }

        return null;
    }

    private static bool IsAllowed(string uri, string streamId)
    {
        if (uri.StartsWith("data:", StringComparison.OrdinalIgnoreCase) || uri.StartsWith("skd:", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var match = ProxyUrl().Match(uri);
        if (!match.Success || match.Groups["id"].Value != streamId)
        {
            return false;
        }

        var target = Uri.UnescapeDataString(match.Groups["url"].Value);
        return (target.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || target.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            && GoldenPlaylists.ExpectedSignature(streamId, target) == match.Groups["sig"].Value;
    }

    [GeneratedRegex("\r\n|\n|\r")]
    private static partial Regex LineBreak();

    [GeneratedRegex(@"^/m3u-proxy/hls/(?<id>[0-9a-f]{32})/(?:playlist\.m3u8|segment\.ts)\?url=(?<url>[A-Za-z0-9%._~-]+)&client_id=c1(?:&parent=[0-9a-f]{32})?&sig=(?<sig>[A-Za-z0-9_-]{22})$")]
    private static partial Regex ProxyUrl();
}
