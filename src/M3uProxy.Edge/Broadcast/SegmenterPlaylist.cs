using System.Globalization;

namespace M3uProxy.Edge.Broadcast;

/// <summary>
/// Reads the playlist ffmpeg's HLS muxer keeps for itself (a private file, never served): the
/// finished segments it lists, by number and duration. Lines of any other shape are skipped.
/// </summary>
internal static class SegmenterPlaylist
{
    public const string FileName = ".segmenter.m3u8";

    public static List<(long Number, double Duration)> Parse(string text)
    {
        var segments = new List<(long, double)>();
        double? duration = null;
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r').Trim();
            if (line.StartsWith("#EXTINF:", StringComparison.Ordinal))
            {
                var value = line.AsSpan("#EXTINF:".Length);
                var comma = value.IndexOf(',');
                duration = double.TryParse(comma >= 0 ? value[..comma] : value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0
                    ? seconds
                    : null;
            }
            else if (line.Length > 0 && line[0] != '#')
            {
                if (duration is { } seconds && BroadcastFiles.TryParseSegmentNumber(line, out var number))
                {
                    segments.Add((number, seconds));
                }

                duration = null;
            }
        }

        return segments;
    }
}
