using System.Diagnostics;

namespace M3uProxy.Edge.Tests.Infrastructure;

/// <summary>A viewer reading a live response, with the time of every read (for gaps across faults).</summary>
public static class Watching
{
    /// <summary>Reads a viewer's stream for a while, noting when each read arrived.</summary>
    public static async Task<(byte[] Data, List<(long At, int Length)> Reads)> WatchAsync(HttpResponseMessage response, TimeSpan duration, Func<Task>? during = null, TimeSpan? after = null)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStreamAsync(cts.Token);
        var data = new MemoryStream();
        var reads = new List<(long, int)>();
        var buffer = new byte[64 * 1024];
        var clock = Stopwatch.StartNew();
        var triggered = during is null;
        cts.CancelAfter(duration);
        try
        {
            while (true)
            {
                if (!triggered && clock.Elapsed >= (after ?? TimeSpan.FromSeconds(1)))
                {
                    triggered = true;
                    await during!();
                }

                var read = await body.ReadAsync(buffer, cts.Token);
                if (read == 0)
                {
                    break;
                }

                data.Write(buffer, 0, read);
                reads.Add((clock.ElapsedMilliseconds, read));
            }
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
        }

        return (data.ToArray(), reads);
    }
}
