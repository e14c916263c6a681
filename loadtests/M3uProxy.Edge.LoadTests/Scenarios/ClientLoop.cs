using System.Buffers;
using System.Diagnostics;
using M3uProxy.Edge.LoadTests.Measure;

namespace M3uProxy.Edge.LoadTests.Scenarios;

/// <summary>One simulated client: plays URLs one after another until the step ends.</summary>
internal static class ClientLoop
{
    private const int ReadBufferSize = 64 * 1024;

    public static async Task RunAsync(HttpClient http, StepPlan plan, int client, ClientMeter meter, CancellationToken stop)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ReadBufferSize);
        try
        {
            for (var attempt = 0; !stop.IsCancellationRequested; attempt++)
            {
                using var play = CancellationTokenSource.CreateLinkedTokenSource(stop);
                if (plan.SwitchEvery is { } every)
                {
                    play.CancelAfter(every);
                }

                try
                {
                    var url = plan.UrlFor(client, attempt).Url;
                    if (await PlayAsync(http, url, client, buffer, meter, play.Token) && plan.EndIsDrop)
                    {
                        meter.Dropped();
                    }
                }
                catch (OperationCanceledException) when (play.IsCancellationRequested)
                {
                    // the step ended, or the viewer zapped away
                }
                catch (HttpRequestException e) when (!play.IsCancellationRequested)
                {
                    meter.Failed(e.StatusCode is { } status ? $"http_{(int)status}" : e.HttpRequestError.ToString());
                    await PauseAsync(stop);
                }
                catch (IOException) when (!play.IsCancellationRequested)
                {
                    meter.Failed("io");
                    await PauseAsync(stop);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>One request; true when the body ended by itself.</summary>
    private static async Task<bool> PlayAsync(HttpClient http, Uri url, int client, byte[] buffer, ClientMeter meter, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("User-Agent", $"m3u-loadgen/{client}");
        var sent = Stopwatch.GetTimestamp();
        meter.RequestSent();
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            meter.Failed($"http_{(int)response.StatusCode}");
            await PauseAsync(cancellationToken);
            return false;
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var last = -1L;
        while (true)
        {
            var count = await body.ReadAsync(buffer, cancellationToken);
            if (count == 0)
            {
                return true;
            }

            var now = Stopwatch.GetTimestamp();
            if (last < 0)
            {
                meter.FirstByte(now - sent);
            }

            meter.Read(count, last < 0 ? -1 : now - last);
            last = now;
        }
    }

    private static async Task PauseAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
