using System.Text.RegularExpressions;

namespace M3uProxy.Edge.Tests.Hls;

/// <summary>Reads the URIs out of a playlist as a player would: URI lines and <c>URI="…"</c> attributes.</summary>
internal static partial class HlsPlaylistText
{
    public static List<string> Uris(string playlist)
    {
        var uris = new List<string>();
        foreach (var raw in playlist.Split('\n'))
        {
            var line = raw.TrimEnd('\r').Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (!line.StartsWith('#'))
            {
                uris.Add(line);
            }
            else if (!line.StartsWith("#EXTINF", StringComparison.Ordinal))
            {
                uris.AddRange(UriAttribute().Matches(line).Select(m => m.Groups[1].Value));
            }
        }

        return uris;
    }

    /// <summary>The URIs after <c>EXT-X-STREAM-INF</c> lines.</summary>
    public static List<string> Variants(string playlist)
    {
        var lines = playlist.Split('\n').Select(l => l.Trim()).ToList();
        return [.. lines.Select((line, i) => (line, i)).Where(p => p.line.StartsWith("#EXT-X-STREAM-INF", StringComparison.Ordinal)).Select(p => lines[p.i + 1])];
    }

    public static long MediaSequence(string playlist)
        => long.Parse(MediaSequenceTag().Match(playlist).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"URI=""([^""]*)""")]
    private static partial Regex UriAttribute();

    [GeneratedRegex(@"#EXT-X-MEDIA-SEQUENCE:(\d+)")]
    private static partial Regex MediaSequenceTag();
}
