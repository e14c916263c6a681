namespace M3uProxy.Edge.Testing;

/// <summary>ffprobe as an oracle: "does a real demuxer accept these bytes?"</summary>
public static class Ffprobe
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(60);

    /// <summary>The ffprobe binary: <c>FFPROBE_PATH</c> if set, else <c>ffprobe</c> from PATH.</summary>
    public static string Path => Environment.GetEnvironmentVariable("FFPROBE_PATH") is { Length: > 0 } path ? path : "ffprobe";

    /// <summary><c>ffprobe -v error -show_streams</c> on a file or URL; the output has one <c>codec_type=</c> line per stream.</summary>
    public static Task<ToolResult> ShowStreamsAsync(string input, CancellationToken cancellationToken = default)
        => ToolProcess.RunAsync(Path, ["-hide_banner", "-v", "error", "-show_streams", input], _timeout, cancellationToken);
}
