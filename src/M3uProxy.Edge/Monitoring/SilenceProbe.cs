using System.Globalization;
using M3uProxy.Edge.Tools;

namespace M3uProxy.Edge.Monitoring;

/// <summary>
/// Asks a short-lived <c>ffmpeg … -af silencedetect</c> whether a piece of media is silent, as the
/// reference does (seed-spec §6.9). A missing ffmpeg, a timeout or any error counts as not silent.
/// </summary>
internal static class SilenceProbe
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(15);

    public static async Task<bool> IsSilentAsync(string ffmpeg, ReadOnlyMemory<byte> media, double noiseDb, double durationSeconds, CancellationToken cancellationToken)
    {
        var filter = string.Create(CultureInfo.InvariantCulture, $"silencedetect=noise={noiseDb}dB:d={durationSeconds}");
        var command = new ToolCommand(ffmpeg, ["-hide_banner", "-nostats", "-nostdin", "-i", "pipe:0", "-vn", "-af", filter, "-f", "null", "-"]);
        try
        {
            var result = await ToolRunner.RunAsync(command, media, _timeout, cancellationToken);
            return result.ExitCode is not null && result.Stderr.Contains("silence_start", StringComparison.Ordinal);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
