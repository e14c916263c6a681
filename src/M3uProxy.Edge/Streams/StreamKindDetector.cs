namespace M3uProxy.Edge.Streams;

/// <summary>
/// Decides a stream's kind from its URL with the reference's rule (seed-spec §4.2): the extension
/// of the path without its query, then the Xtream path words.
/// </summary>
internal static class StreamKindDetector
{
    private static readonly string[] _vodExtensions = [".mp4", ".mkv", ".webm", ".avi", ".m4v", ".mov"];
    private static readonly string[] _vodPathWords = ["/movie/", "/series/", "/timeshift/"];

    public static StreamKind Detect(string url)
    {
        var path = PathOf(url);
        if (path.EndsWith(".m3u8", StringComparison.OrdinalIgnoreCase))
        {
            return StreamKind.Hls;
        }

        if (EndsWithAny(path, _vodExtensions) || ContainsAny(url, _vodPathWords))
        {
            return StreamKind.Vod;
        }

        return StreamKind.LiveContinuous;
    }

    /// <summary>The label stats use (seed-spec §10.2).</summary>
    public static string StatsLabel(StreamKind kind, IReadOnlyDictionary<string, string> metadata)
    {
        if (metadata.TryGetValue("transcoding", out var transcoding) && IsTruthy(transcoding))
        {
            return "Transcoding";
        }

        return kind switch
        {
            StreamKind.Hls => "HLS",
            StreamKind.Vod => "VOD",
            _ => "Live Continuous",
        };
    }

    /// <summary>The URL's path: everything before <c>?</c> or <c>#</c>.</summary>
    public static string PathOf(string url)
    {
        var end = url.AsSpan().IndexOfAny('?', '#');
        return end < 0 ? url : url[..end];
    }

    // Python truthiness of a stringified value: any non-empty string.
    private static bool IsTruthy(string value) => value.Length > 0;

    private static bool EndsWithAny(string path, string[] suffixes)
    {
        foreach (var suffix in suffixes)
        {
            if (path.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static bool ContainsAny(string url, string[] words)
    {
        foreach (var word in words)
        {
            if (url.Contains(word, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
