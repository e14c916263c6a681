namespace M3uProxy.Edge.Http;

/// <summary>
/// The Content-Type of a media response: the reference's extension rules made consistent (the
/// query is stripped, <c>/live/</c> means MPEG-TS), then the upstream's media type when the
/// extension says nothing — but never <c>text/html</c> or another text type on a media route.
/// </summary>
internal static class MediaContentType
{
    public const string MpegTs = "video/mp2t";
    public const string Fallback = "application/octet-stream";

    private static readonly (string Extension, string Type)[] _byExtension =
    [
        (".ts", MpegTs),
        (".m3u8", "application/vnd.apple.mpegurl"),
        (".mp4", "video/mp4"),
        (".m4v", "video/x-m4v"),
        (".mkv", "video/x-matroska"),
        (".webm", "video/webm"),
        (".avi", "video/x-msvideo"),
        (".mov", "video/quicktime"),
        (".aac", "audio/aac"),
        (".mp3", "audio/mpeg"),
    ];

    /// <summary>
    /// A live stream's type: a transcoder's from its output format (seed-spec §8.6's table), a
    /// resolver's from its bytes, anything else from its URL; null when nothing says.
    /// </summary>
    public static string? ForLiveStream(Streams.StreamDefinition definition, string currentUrl) => definition switch
    {
        { Transcode: { } spec } => FromFormat(spec.Format),
        { Resolver: not null } => null,
        _ => FromUrl(currentUrl),
    };

    /// <summary>The type of an ffmpeg output format (<c>-f</c> value), part by part for comma lists.</summary>
    public static string FromFormat(string format)
    {
        foreach (var part in format.Split(','))
        {
            switch (part.Trim())
            {
                case "mp4" or "mov": return "video/mp4";
                case "matroska" or "mkv": return "video/x-matroska";
                case "webm": return "video/webm";
                case "mpegts": return MpegTs;
                case "mpeg": return "video/mpeg";
                case "hls" or "hls_native": return "application/vnd.apple.mpegurl";
                case "flv": return "video/x-flv";
                case "ogg": return "video/ogg";
                case "mp3": return "audio/mpeg";
                case "adts": return "audio/aac";
            }
        }

        return Fallback;
    }

    /// <summary>From the URL alone; null when it says nothing.</summary>
    public static string? FromUrl(string url)
    {
        if (url.EndsWith("?profile=pass", StringComparison.OrdinalIgnoreCase))
        {
            return MpegTs;
        }

        var path = Streams.StreamKindDetector.PathOf(url);
        foreach (var (extension, type) in _byExtension)
        {
            if (path.EndsWith(extension, StringComparison.OrdinalIgnoreCase))
            {
                return type;
            }
        }

        return path.Contains("/live/", StringComparison.OrdinalIgnoreCase) ? MpegTs : null;
    }

    /// <summary>The URL's type, else the upstream's (unless it is text), else <paramref name="fallback"/>.</summary>
    public static string Resolve(string url, string? upstreamType, string fallback = Fallback)
    {
        if (FromUrl(url) is { } fromUrl)
        {
            return fromUrl;
        }

        if (!string.IsNullOrEmpty(upstreamType) && !upstreamType.StartsWith("text/", StringComparison.OrdinalIgnoreCase))
        {
            return upstreamType;
        }

        return fallback;
    }
}
