using System.Globalization;
using System.Text;

namespace M3uProxy.Edge.Packaging;

/// <summary>The live media playlist of a packaged channel (RFC 8216 §4.3): the segments in memory, newest last.</summary>
internal static class PackagedPlaylist
{
    public static string Write(IReadOnlyList<PackagedSegment> segments, long discontinuitySequence, string clientId)
    {
        var target = segments.Count == 0 ? 2 : (int)Math.Ceiling(segments.Max(s => s.DurationSeconds));
        var text = new StringBuilder(128 + (segments.Count * 64));
        text.Append("#EXTM3U\n#EXT-X-VERSION:3\n");
        text.Append(CultureInfo.InvariantCulture, $"#EXT-X-TARGETDURATION:{target}\n");
        text.Append(CultureInfo.InvariantCulture, $"#EXT-X-MEDIA-SEQUENCE:{(segments.Count > 0 ? segments[0].Sequence : 0)}\n");
        text.Append(CultureInfo.InvariantCulture, $"#EXT-X-DISCONTINUITY-SEQUENCE:{discontinuitySequence}\n");
        var query = "?client_id=" + Uri.EscapeDataString(clientId);
        for (var i = 0; i < segments.Count; i++)
        {
            var segment = segments[i];
            if (segment.Discontinuity)
            {
                text.Append("#EXT-X-DISCONTINUITY\n");
            }

            text.Append(CultureInfo.InvariantCulture, $"#EXTINF:{segment.DurationSeconds:0.000},\n");
            text.Append(CultureInfo.InvariantCulture, $"live/{segment.Sequence}.ts{query}\n");
        }

        return text.ToString();
    }
}
