using System.Diagnostics;

namespace M3uProxy.Edge.Api;

/// <summary>
/// Asks an external tool (<c>ffmpeg</c>, <c>streamlink</c>, <c>yt-dlp</c>) for its version the
/// first time it is needed, never at start-up and never blocking a thread, then remembers it.
/// </summary>
internal sealed class ToolVersionProbe
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(5);
    private readonly Dictionary<string, Lazy<Task<string?>>> _versions = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public Task<string?> GetAsync(string tool, string versionArgument)
    {
        lock (_gate)
        {
            if (!_versions.TryGetValue(tool, out var version))
            {
                version = new Lazy<Task<string?>>(() => RunAsync(tool, versionArgument));
                _versions[tool] = version;
            }

            return version.Value;
        }
    }

    private static async Task<string?> RunAsync(string tool, string versionArgument)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(tool, versionArgument)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return null;
            }

            using var timeout = new CancellationTokenSource(_timeout);
            var firstLine = await process.StandardOutput.ReadLineAsync(timeout.Token);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                return null;
            }

            return process.ExitCode == 0 && !string.IsNullOrWhiteSpace(firstLine) ? firstLine.Trim() : null;
        }
        catch (Exception exception) when (exception is System.ComponentModel.Win32Exception or InvalidOperationException or OperationCanceledException or IOException)
        {
            return null;
        }
    }
}
