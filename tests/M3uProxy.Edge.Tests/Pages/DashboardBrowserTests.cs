using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Tests.Infrastructure;
using M3uProxy.Edge.Tests.Playback;

namespace M3uProxy.Edge.Tests.Pages;

/// <summary>
/// The dashboard in real headless Chromium (Debian's, driven by playwright-core from
/// <c>tests/browser/</c>): a live channel with one viewer shows up in it, updating, with no console
/// error, every data request on the proxy with the token, usable at phone width. Screenshots are
/// kept in <c>artifacts/test-results/</c>. Opened after the stream has played for two history
/// samples, its first paint must already draw the stream's recent bitrate (issue #15).
/// </summary>
[Collection(StreamingTests.Name)]
public sealed class DashboardBrowserTests
{
    private const string Token = "secret";
    private const string ChannelPath = "/live/user/pass/1234.ts";

    [Fact]
    public async Task Dashboard_ShowsALiveStreamAndItsViewer_WithoutConsoleErrors()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: cancellation);
        origin.AddLive(ChannelPath, TsPacketFactory.Create(20_000), bytesPerSecond: 300_000);
        await using var proxy = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["API_TOKEN"] = Token });
        var created = await proxy.CreateStreamAsync(new { url = origin.Url(ChannelPath), failover_urls = new[] { origin.Url("/backup/1234.ts") }, metadata = new { id = 42, name = "News HD" } }, Token);
        var streamId = (string)created["stream_id"]!;

        using var viewer = new MediaClient("VLC/3.0.20");
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        using var response = await viewer.OpenAsync(new Uri(proxy.BaseAddress, "stream/" + streamId).ToString(), cancellationToken: cancellation);
        Assert.Equal(200, (int)response.StatusCode);
        var reading = KeepReadingAsync(response, watching.Token);
        await WaitForHistoryAsync(proxy, streamId);

        var page = new Uri(proxy.BaseAddress, "m3u-proxy/dashboard?api_token=" + Token).ToString();
        var screenshots = BrowserCheck.Screenshot("dashboard");
        var report = await BrowserCheck.RunAsync("dashboard-check.mjs", page, streamId, screenshots);
        await watching.CancelAsync();
        await reading;

        Assert.True(report["error"] is null, "the page never showed the stream: " + report);
        Assert.Equal(200, (int)report["status"]!);
        Assert.Empty(report["consoleErrors"]!.AsArray());
        Assert.Empty(report["pageErrors"]!.AsArray());
        Assert.Empty(report["failedRequests"]!.AsArray());
        Assert.Empty(report["foreignRequests"]!.AsArray());
        Assert.Empty(report["requestsWithoutToken"]!.AsArray());
        Assert.True((int)report["dataRequests"]! >= 4, report.ToJsonString());

        var row = (string)report["streamRow"]!;
        Assert.Contains("News HD", row, StringComparison.Ordinal);
        Assert.Contains("streaming", row, StringComparison.Ordinal);
        Assert.Contains("1 of 2", row, StringComparison.Ordinal); // on the primary, one failover URL behind it
        Assert.Equal(1, (int)report["clientRows"]!);
        Assert.Equal("1", (string)report["viewers"]!);
        Assert.Equal("live", (string)report["live"]!);
        Assert.EndsWith("bit/s", (string)report["outRate"]!, StringComparison.Ordinal);
        // Opened after the stream had played for a while: the first paint already draws its recent bitrate.
        var firstPaint = report["firstPaint"];
        Assert.True(firstPaint is not null, "the row never appeared: " + report);
        Assert.True((int)firstPaint["sparklinePoints"]! >= 2, "the first paint has no history for the stream: " + firstPaint);
        Assert.True((int)firstPaint["chartLines"]! >= 1, "the first paint has no bitrate chart: " + firstPaint);
        Assert.EndsWith("bit/s", (string)firstPaint["rate"]!, StringComparison.Ordinal);
        Assert.True((int)report["phoneOverflow"]! <= 0, "the page is wider than a phone: " + report["phoneOverflow"]);
        Assert.True((bool)report["phoneRowStillThere"]!);
        Assert.True(new FileInfo(screenshots + "-desktop.png").Length > 10_000);
        Assert.True(new FileInfo(screenshots + "-phone.png").Length > 5_000);
    }

    // Two samples of the server's history (5 s apart) with bytes in them.
    private static async Task WaitForHistoryAsync(ProxyHost proxy, string streamId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var (_, stats, _) = await proxy.GetAsync("stats?history=true", Token);
            var served = stats?["bitrate_history"]?["streams"]?.AsArray().FirstOrDefault(s => (string?)s?["stream_id"] == streamId)?["served_bytes"]?.AsArray();
            if (served is { Count: >= 2 } && served.Sum(b => (long)b!) > 0)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, "the server kept no history of the stream: " + stats);
            await Task.Delay(250, TestContext.Current.CancellationToken);
        }
    }

    private static async Task KeepReadingAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            while (await body.ReadAsync(buffer, cancellationToken) > 0)
            {
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
