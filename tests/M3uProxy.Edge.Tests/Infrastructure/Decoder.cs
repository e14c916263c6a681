using M3uProxy.Edge.Testing;

namespace M3uProxy.Edge.Tests.Infrastructure;

/// <summary>Decodes a URL with a real ffmpeg, as a player would, and reports what it complained about.</summary>
public static class Decoder
{
    /// <summary>Decodes <paramref name="seconds"/> of <paramref name="url"/> at <c>-v error</c>; returns ffmpeg's exit code and error output.</summary>
    public static Task<ToolResult> DecodeAsync(string url, double seconds)
        => ToolProcess.RunAsync(
            TestMedia.FfmpegPath,
            ["-hide_banner", "-nostdin", "-v", "error", "-i", url, "-t", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "-f", "null", "-"],
            TimeSpan.FromSeconds(seconds + 30),
            TestContext.Current.CancellationToken);
}
