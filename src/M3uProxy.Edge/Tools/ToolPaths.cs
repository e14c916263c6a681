using M3uProxy.Edge.Configuration;

namespace M3uProxy.Edge.Tools;

/// <summary>
/// Where each external program is: a name found on <c>PATH</c> by default, or the path set in
/// <c>FFMPEG_PATH</c>, <c>FFPROBE_PATH</c>, <c>STREAMLINK_PATH</c>, <c>YTDLP_PATH</c> (a build
/// such as jellyfin-ffmpeg). Injected, so tests and callers never hard-code a name.
/// </summary>
internal sealed record ToolPaths(string Ffmpeg, string Ffprobe, string Streamlink, string YtDlp)
{
    public static ToolPaths From(ProxySettings settings) => new(
        OrDefault(settings.FfmpegPath, "ffmpeg"),
        OrDefault(settings.FfprobePath, "ffprobe"),
        OrDefault(settings.StreamlinkPath, "streamlink"),
        OrDefault(settings.YtdlpPath, "yt-dlp"));

    private static string OrDefault(string? value, string name) => string.IsNullOrWhiteSpace(value) ? name : value.Trim();
}
