using System.Diagnostics;
using System.Globalization;

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
        var start = new ProcessStartInfo(ffmpeg)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var filter = string.Create(CultureInfo.InvariantCulture, $"silencedetect=noise={noiseDb}dB:d={durationSeconds}");
        foreach (var argument in (string[])["-hide_banner", "-nostats", "-nostdin", "-i", "pipe:0", "-vn", "-af", filter, "-f", "null", "-"])
        {
            start.ArgumentList.Add(argument);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        Process? process = null;
        try
        {
            process = Process.Start(start);
            if (process is null)
            {
                return false;
            }

            var errors = process.StandardError.ReadToEndAsync(timeout.Token);
            var output = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, timeout.Token);
            try
            {
                await process.StandardInput.BaseStream.WriteAsync(media, timeout.Token);
            }
            catch (IOException)
            {
                // ffmpeg stopped reading (it gave up on the input): its verdict is in stderr.
            }
            finally
            {
                process.StandardInput.Close();
            }

            await process.WaitForExitAsync(timeout.Token);
            await output;
            return (await errors).Contains("silence_start", StringComparison.Ordinal);
        }
        catch (Exception exception) when (exception is OperationCanceledException or System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            return false;
        }
        finally
        {
            if (process is { HasExited: false })
            {
                process.Kill(entireProcessTree: true);
            }

            process?.Dispose();
        }
    }
}
