using M3uProxy.Edge.FanOut;
using M3uProxy.Edge.Hosting;
using M3uProxy.Edge.Http;
using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Tests.Infrastructure;
using M3uProxy.Edge.Tests.Playback;

namespace M3uProxy.Edge.Tests.Hosting;

/// <summary>
/// What the proxy keeps per viewer while the viewer's socket cannot take more. A direct response
/// (<c>LIVE_DIRECT_SEND</c>, the default) keeps what the socket refused of one write: at most a
/// fan-out chunk with its framing, in one pooled 64 KiB array. Kestrel's pipe keeps one fan-out read
/// on top of what was left unsent when the previous flush resumed, under half of its send pipe
/// (64 KiB; a 16 KiB pipe halved that but cost a wake-up per chunk at full speed, docs/performance.md).
/// Either way /metrics shows it as connection buffer memory.
/// </summary>
[Collection(StreamingTests.Name)]
public sealed class ViewerSendBufferTests
{
    // SocketTransportOptions.MaxWriteBufferSize, Kestrel's default.
    private const int KestrelSendPipe = 64 * 1024;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task StalledViewers_HoldAtMostAChunkEach_ShownOnMetrics(bool direct)
    {
        const int Viewers = 4;
        var packets = TsPacketFactory.Create(20_000);
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        await using var proxy = await ProxyHost.StartAsync(new Dictionary<string, string?>
        {
            ["VIEWER_WRITE_TIMEOUT"] = "120",
            ["LIVE_DIRECT_SEND"] = direct ? "true" : "false",
        });
        var pools = proxy.Services.GetRequiredService<ReleasingBlockPools>();
        var directSends = (ReleasingBlockPool)proxy.Services.GetRequiredService<DirectSendBuffers>().Pool;
        var urls = new List<string>();
        for (var channel = 0; channel < Viewers; channel++)
        {
            origin.AddLive($"/live/{channel}.ts", packets, bytesPerSecond: 8_000_000);
            urls.Add(await proxy.StreamUrlAsync(origin.Url($"/live/{channel}.ts")));
        }

        var before = pools.BytesInUse;
        var stalled = new List<System.Net.Sockets.Socket>();
        try
        {
            foreach (var url in urls)
            {
                stalled.Add(await MediaClient.OpenStalledAsync(new Uri(url)));
            }

            // The kernel's socket buffers fill first; then what the proxy keeps, which stops changing.
            var held = await SettledAsync(() => pools.BytesInUse - before);

            TestContext.Current.TestOutputHelper?.WriteLine($"held {held} B, {directSends.BlocksInUse} direct responses' buffers");
            Assert.True(held > 0, "the stalled viewers' buffers hold nothing: the test did not stall them");
            if (direct)
            {
                Assert.Equal(Viewers, directSends.BlocksInUse);
                Assert.True(held <= Viewers * (DirectSendBuffers.BufferSize + ReleasingBlockPool.KestrelBlockSize), $"{Viewers} stalled viewers hold {held / 1024} KiB");
            }
            else
            {
                var blocksPerViewer = ((FanOutBuffer.ChunkSize + (KestrelSendPipe / 2)) / ReleasingBlockPool.KestrelBlockSize) + 1;
                Assert.Equal(0, directSends.BlocksInUse);
                Assert.True(held <= Viewers * blocksPerViewer * ReleasingBlockPool.KestrelBlockSize, $"{Viewers} stalled viewers hold {held / 1024} KiB in Kestrel's buffers");
            }

            // /metrics shows them (the scrape's own connection may add a block).
            var metrics = await proxy.Client.GetStringAsync("metrics", TestContext.Current.CancellationToken);
            var shown = metrics.Split('\n').Single(l => l.StartsWith("m3u_proxy_connection_buffers_memory_bytes ", StringComparison.Ordinal));
            Assert.InRange(long.Parse(shown.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), held, before + held + (4 * ReleasingBlockPool.KestrelBlockSize));
        }
        finally
        {
            stalled.ForEach(s => s.Dispose());
        }

        // The viewers that hung up gave their buffers back.
        await Eventually.HoldsAsync(() => directSends.BlocksInUse == 0, TimeSpan.FromSeconds(10), "the stalled viewers' buffers went back to the pool");
    }

    private static async Task<long> SettledAsync(Func<long> measure)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var last = -1L;
        var steady = 0;
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(250, TestContext.Current.CancellationToken);
            var now = measure();
            steady = now == last && now > 0 ? steady + 1 : 0;
            if (steady >= 8)
            {
                return now;
            }

            last = now;
        }

        return measure();
    }
}
