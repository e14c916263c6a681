using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Tests.Infrastructure;

namespace M3uProxy.Edge.Tests.Api;

/// <summary>Totals are counters for the life of the process: removing or reaping a stream never takes bytes back.</summary>
public sealed class CounterTests
{
    [Fact]
    public async Task TotalBytesServed_NeverGoesDown_WhenAStreamIsRemoved()
    {
        var movie = TsPacketFactory.Create(1_000); // 188,000 bytes
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddFile("/movies/1.mp4", movie, "video/mp4");
        origin.AddFile("/movies/2.mp4", movie, "video/mp4");
        await using var proxy = await ProxyHost.StartAsync();
        var first = await proxy.StreamUrlAsync(origin.Url("/movies/1.mp4"));
        var second = await proxy.StreamUrlAsync(origin.Url("/movies/2.mp4"));
        using var client = new MediaClient();

        Assert.Equal(movie.Length, (await client.ReadAllAsync(first)).Length);
        Assert.Equal(movie.Length, (await client.ReadAllAsync(second)).Length);
        var served = 2L * movie.Length;
        await WaitForTotalAsync(proxy, served);

        Assert.Equal(200, (await proxy.SendAsync(HttpMethod.Delete, $"streams/{first[(first.LastIndexOf('/') + 1)..]}")).Status);

        var (_, stats, _) = await proxy.GetAsync("stats");
        Assert.Equal(1, (int?)stats!["total_streams"]);
        Assert.Equal(served, (long?)stats["total_bytes_served"]);
        var (_, health, _) = await proxy.GetAsync("health");
        Assert.Equal(served, (long?)health!["total_bytes_served"]);
        var (_, performance, _) = await proxy.GetAsync("stats/performance");
        Assert.Equal(served, (long?)performance!["performance_metrics"]!["total_bytes_served"]);
        var metrics = await proxy.Client.GetStringAsync("metrics", TestContext.Current.CancellationToken);
        Assert.Contains("# TYPE m3u_proxy_segments_served_total counter", metrics, StringComparison.Ordinal);
        Assert.Contains("# TYPE m3u_proxy_stream_errors_total counter", metrics, StringComparison.Ordinal);
    }

    // A download's bytes are counted as they are written, a moment after the client has them.
    private static async Task WaitForTotalAsync(ProxyHost proxy, long expected)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            if ((long?)(await proxy.GetAsync("stats")).Body!["total_bytes_served"] == expected)
            {
                return;
            }

            await Task.Delay(25, TestContext.Current.CancellationToken);
        }

        Assert.Fail($"total_bytes_served never reached {expected}");
    }
}
