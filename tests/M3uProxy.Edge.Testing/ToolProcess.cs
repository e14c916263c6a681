using System.ComponentModel;
using System.Diagnostics;

namespace M3uProxy.Edge.Testing;

/// <summary>Runs a command-line tool (ffmpeg, ffprobe) to completion with a hard timeout, capturing its output.</summary>
public static class ToolProcess
{
    /// <summary>Runs it; <c>configure</c> may adjust the start (working folder, environment) first.</summary>
    public static async Task<ToolResult> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken, Action<ProcessStartInfo>? configure = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        configure?.Invoke(start);

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start '{fileName}'.");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"'{fileName}' is required but could not be started (install ffmpeg, or set FFMPEG_PATH / FFPROBE_PATH).", e);
        }

        using (process)
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
                cancellationToken.ThrowIfCancellationRequested();
                throw new TimeoutException($"'{fileName} {string.Join(' ', arguments)}' did not finish within {timeout}.");
            }

            return new ToolResult(process.ExitCode, await stdout, await stderr);
        }
    }
}
