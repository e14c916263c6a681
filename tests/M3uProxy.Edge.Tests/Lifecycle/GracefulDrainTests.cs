using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Tests.Infrastructure;

namespace M3uProxy.Edge.Tests.Lifecycle;

/// <summary>
/// SIGTERM to the proxy as a real process, while a live viewer, a download that fits the drain and
/// one that does not are running: nothing new is accepted, the live response ends with its chunked
/// terminator, the download that fits completes byte for byte, the other is cut at the bound, each
/// stream gets exactly one <c>stream_stopped</c>, and the exit code is 0, within the bound.
/// </summary>
public sealed class GracefulDrainTests
{
    private const int DrainSeconds = 4;

    private static readonly byte[] _movie = PatternBytes(3 * 1024 * 1024, seed: 1);
    private static readonly byte[] _longMovie = PatternBytes(24 * 1024 * 1024, seed: 2);

    // Bytes that differ along the file (a position mix-up or a lost piece shows), without a random source.
    private static byte[] PatternBytes(int length, int seed)
    {
        var bytes = new byte[length];
        var state = (uint)seed * 2654435761u;
        for (var i = 0; i < bytes.Length; i++)
        {
            state = (state * 1664525u) + 1013904223u;
            bytes[i] = (byte)(state >> 24);
        }

        return bytes;
    }

    /// <summary>Reads the body at about <paramref name="bytesPerSecond"/> (0: as it comes) until it ends; returns what came and how it ended.</summary>
    private static async Task<(byte[] Data, Exception? Error)> ReadPacedAsync(HttpResponseMessage response, long bytesPerSecond, Func<bool>? fast = null)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(60));
        var body = await response.Content.ReadAsStreamAsync(cts.Token);
        var data = new MemoryStream();
        var buffer = new byte[64 * 1024];
        var clock = Stopwatch.StartNew();
        try
        {
            int read;
            while ((read = await body.ReadAsync(buffer, cts.Token)) > 0)
            {
                data.Write(buffer, 0, read);
                var due = bytesPerSecond > 0 && fast?.Invoke() != true ? TimeSpan.FromSeconds((double)data.Length / bytesPerSecond) - clock.Elapsed : TimeSpan.Zero;
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, cts.Token);
                }
            }

            return (data.ToArray(), null);
        }
        catch (Exception error) when (error is IOException or HttpRequestException)
        {
            return (data.ToArray(), error);
        }
    }

    private static async Task<string> CreateAsync(ChildProxy proxy, string url)
    {
        using var create = await proxy.Client.PostAsync("streams", new StringContent($$"""{"url":"{{url}}"}""", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        var body = await create.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(create.IsSuccessStatusCode, body);
        return (string)JsonNode.Parse(body)!["stream_id"]!;
    }

    private static bool Accepts(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Connect(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    [Fact]
    public async Task Sigterm_EndsLiveCleanly_LetsDownloadsFinishWithinTheBound_StopsEachStreamOnce_AndExitsZero()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddLive("/live/user/pass/1.ts", TsPacketFactory.Create(20_000), 400_000);
        origin.AddFile("/movie/user/pass/1.mp4", _movie, "video/mp4");
        origin.AddFile("/movie/user/pass/2.mp4", _longMovie, "video/mp4");
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var proxy = ChildProxy.Start(new Dictionary<string, string> { ["SHUTDOWN_DRAIN_SECONDS"] = DrainSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), ["LOG_LEVEL"] = "INFO" });
        await proxy.WaitUntilUpAsync();
        using (var hook = await proxy.Client.PostAsync("webhooks", new StringContent($$"""{"url":"{{receiver.Url("/hook")}}","events":["stream_stopped"]}""", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken))
        {
            Assert.True(hook.IsSuccessStatusCode);
        }

        var live = await CreateAsync(proxy, origin.Url("/live/user/pass/1.ts"));
        var fits = await CreateAsync(proxy, origin.Url("/movie/user/pass/1.mp4"));
        var tooLong = await CreateAsync(proxy, origin.Url("/movie/user/pass/2.mp4"));
        using var client = new MediaClient();
        var baseUrl = proxy.Client.BaseAddress!.AbsoluteUri;
        using var liveResponse = await client.OpenAsync($"{baseUrl}stream/{live}", cancellationToken: TestContext.Current.CancellationToken);
        using var fitsResponse = await client.OpenAsync($"{baseUrl}stream/{fits}", cancellationToken: TestContext.Current.CancellationToken);
        using var tooLongResponse = await client.OpenAsync($"{baseUrl}stream/{tooLong}", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, liveResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, fitsResponse.StatusCode);

        // 3 MiB at about 1.5 MB/s (≈ 2 s, inside the 4 s drain); 24 MiB at about 0.6 MB/s (≈ 40 s, cut at 4 s).
        var liveRead = ReadPacedAsync(liveResponse, bytesPerSecond: 0);
        var fitsRead = ReadPacedAsync(fitsResponse, bytesPerSecond: 1_500_000);
        var tooLongRead = ReadPacedAsync(tooLongResponse, bytesPerSecond: 600_000, fast: () => proxy.HasExited);
        await Task.Delay(500, TestContext.Current.CancellationToken);
        Assert.False(fitsRead.IsCompleted);

        var clock = Stopwatch.StartNew();
        await proxy.TerminateAsync();

        // Stop accepting: new connections are refused while the downloads still run.
        while (Accepts(proxy.Port))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(DrainSeconds), "the proxy still accepts connections after SIGTERM");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.False(proxy.HasExited, "the proxy exited before the downloads were done");
        var (liveData, liveError) = await liveRead;
        Assert.Null(liveError); // the chunked terminator came: a clean end, not a reset
        Assert.True(liveData.Length > 188 * 100);
        Assert.True(TsPacketFactory.IsAligned(liveData.AsSpan(0, liveData.Length / 188 * 188)));

        var (fitsData, fitsError) = await fitsRead;
        Assert.Null(fitsError);
        Assert.Equal(_movie.Length, fitsData.Length);
        Assert.True(_movie.AsSpan().SequenceEqual(fitsData), "the download that fits the drain is not byte-exact");

        var exitCode = await proxy.WaitForExitAsync();
        var stoppedAfter = clock.Elapsed;
        Assert.Equal(0, exitCode);
        Assert.True(stoppedAfter < TimeSpan.FromSeconds(DrainSeconds + 5), $"the process took {stoppedAfter.TotalSeconds:0.0} s to exit after SIGTERM (drain bound {DrainSeconds} s)");

        var (tooLongData, tooLongError) = await tooLongRead;
        Assert.NotNull(tooLongError); // cut at the bound: the body ended before its Content-Length
        Assert.True(tooLongData.Length < _longMovie.Length);
        Assert.True(_longMovie.AsSpan(0, tooLongData.Length).SequenceEqual(tooLongData));

        // Exactly one stream_stopped per stream, each for the shutdown, delivered before the exit.
        var stops = receiver.Received("/hook").Select(r => r.Json).ToList();
        Assert.Equal(3, stops.Count);
        Assert.Equal(new[] { fits, live, tooLong }.Order(StringComparer.Ordinal), stops.Select(s => (string)s["stream_id"]!).Order(StringComparer.Ordinal));
        Assert.All(stops, s => Assert.Equal("server_shutdown", (string?)s["data"]!["reason"]));
        Assert.Contains(proxy.Lines, l => l.Contains("get up to 4 s to finish", StringComparison.Ordinal));
        Assert.Contains(proxy.Lines, l => l.Contains("still downloading after 4 s were cut", StringComparison.Ordinal));
        Assert.Empty(proxy.ErrorLines);
    }
}
