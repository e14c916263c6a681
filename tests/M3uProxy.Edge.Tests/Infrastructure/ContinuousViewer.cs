namespace M3uProxy.Edge.Tests.Infrastructure;

/// <summary>
/// A live viewer that keeps reading in the background, as a player would: how many bytes it got,
/// and whether its response is still open (it ends only when the proxy closes it, or on dispose).
/// </summary>
public sealed class ContinuousViewer : IAsyncDisposable
{
    private readonly MediaClient _client;
    private readonly HttpResponseMessage _response;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reading;
    private long _bytes;

    private ContinuousViewer(MediaClient client, HttpResponseMessage response)
    {
        _client = client;
        _response = response;
        _reading = Task.Run(ReadAsync);
    }

    public int Status => (int)_response.StatusCode;

    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>True once the response ended or failed.</summary>
    public bool HasEnded => _reading.IsCompleted;

    public static async Task<ContinuousViewer> OpenAsync(string url, string name)
    {
        var client = new MediaClient(name);
        var response = await client.OpenAsync(url, cancellationToken: TestContext.Current.CancellationToken);
        return new ContinuousViewer(client, response);
    }

    /// <summary>Waits until <paramref name="count"/> more bytes than now arrived.</summary>
    public async Task WaitForMoreAsync(long count, TimeSpan timeout)
    {
        var target = Bytes + count;
        using var deadline = new CancellationTokenSource(timeout);
        while (Bytes < target)
        {
            Assert.False(HasEnded, $"the viewer's response ended after {Bytes} bytes");
            Assert.False(deadline.IsCancellationRequested, $"no {count} more bytes within {timeout.TotalSeconds} s (got {Bytes - target + count})");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[64 * 1024];
        try
        {
            var body = await _response.Content.ReadAsStreamAsync(_stop.Token);
            int read;
            while ((read = await body.ReadAsync(buffer, _stop.Token)) > 0)
            {
                Interlocked.Add(ref _bytes, read);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or HttpRequestException)
        {
            // Ended.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _response.Dispose();
        await _reading;
        _client.Dispose();
        _stop.Dispose();
    }
}
