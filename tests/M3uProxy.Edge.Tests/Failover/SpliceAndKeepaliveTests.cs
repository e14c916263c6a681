using System.Diagnostics;
using M3uProxy.Edge.FanOut;
using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Tests.Infrastructure;
using M3uProxy.Edge.Tests.Playback;

namespace M3uProxy.Edge.Tests.Failover;

/// <summary>
/// What a strict decoder sees across switches and quiet spells: continuity counters that continue
/// (or a discontinuity indicator), the new source's PAT first, and PAT/PMT keepalives while the
/// upstream says nothing.
/// </summary>
[Collection(StreamingTests.Name)]
public sealed class SpliceAndKeepaliveTests
{
    private const string Primary = "/live/user/pass/9.ts";
    private const string Backup = "/backup/user/pass/9.ts";

    /// <summary>Reads for <paramref name="duration"/>, running <paramref name="at"/> actions at their times; returns the bytes and each read's arrival.</summary>
    private static async Task<(byte[] Data, List<(long At, int Offset)> Reads)> CaptureAsync(HttpResponseMessage response, TimeSpan duration, params (TimeSpan When, Func<Task> Action)[] at)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStreamAsync(cts.Token);
        var data = new MemoryStream();
        var reads = new List<(long, int)>();
        var buffer = new byte[64 * 1024];
        var clock = Stopwatch.StartNew();
        var actions = Task.Run(async () =>
        {
            foreach (var (when, action) in at)
            {
                var wait = when - clock.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, cts.Token);
                }

                await action();
            }
        }, cts.Token);
        cts.CancelAfter(duration);
        try
        {
            int read;
            while ((read = await body.ReadAsync(buffer, cts.Token)) > 0)
            {
                reads.Add((clock.ElapsedMilliseconds, (int)data.Length));
                data.Write(buffer, 0, read);
            }
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
        }

        await actions.ContinueWith(_ => { }, TaskScheduler.Default);
        return (data.ToArray(), reads);
    }

    /// <summary>Continuity errors as a strict decoder counts them: a counter that neither continues nor repeats, without a discontinuity indicator.</summary>
    private static int ContinuityErrors(ReadOnlySpan<byte> data, out int discontinuities)
    {
        var last = new Dictionary<int, int>();
        var errors = 0;
        discontinuities = 0;
        for (var offset = 0; offset + 188 <= data.Length; offset += 188)
        {
            var packet = data.Slice(offset, 188);
            Assert.Equal(0x47, packet[0]);
            var pid = TsPacketFactory.PidOf(packet);
            if (pid == 0x1FFF)
            {
                continue;
            }

            var counter = TsPacketFactory.ContinuityCounterOf(packet);
            var hasPayload = (packet[3] & 0x10) != 0;
            var discontinuity = (packet[3] & 0x20) != 0 && packet[4] > 0 && (packet[5] & 0x80) != 0;
            discontinuities += discontinuity ? 1 : 0;
            if (last.TryGetValue(pid, out var previous) && !discontinuity)
            {
                var expected = hasPayload ? (previous + 1) & 0x0F : previous;
                if (counter != expected && counter != previous)
                {
                    errors++;
                }
            }

            last[pid] = counter;
        }

        return errors;
    }

    [Fact]
    public async Task ThreeManualSwitches_KeepCountersContinuous_AndFfmpegDecodesTheCapture()
    {
        var media = await File.ReadAllBytesAsync(await TestMedia.GetTsFileAsync(), TestContext.Current.CancellationToken);
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddLive(Primary, media, media.Length / 5);
        origin.AddLive(Backup, media, media.Length / 5);
        await using var proxy = await ProxyHost.StartAsync();
        var url = await proxy.StreamUrlAsync(origin.Url(Primary), new { failover_urls = new[] { origin.Url(Backup) } });
        var streamId = url[(url.LastIndexOf('/') + 1)..];
        using var client = new MediaClient();
        Func<Task> failover = async () => Assert.Equal(200, (await proxy.SendAsync(HttpMethod.Post, $"streams/{streamId}/failover")).Status);

        using var response = await client.OpenAsync(url, cancellationToken: TestContext.Current.CancellationToken);
        var (data, _) = await CaptureAsync(response, TimeSpan.FromSeconds(6), (TimeSpan.FromSeconds(1.5), failover), (TimeSpan.FromSeconds(3), failover), (TimeSpan.FromSeconds(4.5), failover));

        var whole = data.AsSpan(0, data.Length / 188 * 188);
        Assert.Equal(0, ContinuityErrors(whole, out _));
        Assert.Equal(2, origin.RequestCount(Primary)); // the start and the third switch (the ring wraps)
        Assert.Equal(2, origin.RequestCount(Backup));

        var capture = Path.Combine(Path.GetTempPath(), $"splice-{Guid.NewGuid():N}.ts");
        await File.WriteAllBytesAsync(capture, whole.ToArray(), TestContext.Current.CancellationToken);
        try
        {
            var result = await ToolProcess.RunAsync(
                TestMedia.FfmpegPath,
                ["-hide_banner", "-nostdin", "-v", "error", "-i", capture, "-f", "null", "-"],
                TimeSpan.FromSeconds(60),
                TestContext.Current.CancellationToken);
            Assert.Equal(0, result.ExitCode);
            var complaints = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(complaints.Length <= 3, result.StandardError);
        }
        finally
        {
            File.Delete(capture);
        }
    }

    [Fact]
    public async Task AViewerThatStopsReading_GetsNoKeepalives_ItsUpstreamWasNeverQuiet()
    {
        var file = TsPacketFactory.Create(100_000); // 18.8 MB: far more than the sockets' buffers
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddFile("/clip.ts", file, "video/mp2t");
        await using var proxy = await ProxyHost.StartAsync();
        var url = new Uri(await proxy.StreamUrlAsync(origin.Url("/clip.ts")));

        // HTTP/1.0: the body is the bytes themselves, up to the close.
        using var socket = await RawHttp.SendGetAsync(url, "HTTP/1.0");
        // Three keepalive intervals without reading: the pump waits for this viewer, not for its upstream.
        await Task.Delay(3 * ChannelInput.KeepaliveInterval, TestContext.Current.CancellationToken);
        var (head, body) = RawHttp.SplitHead(await RawHttp.ReadToEndAsync(socket));

        Assert.StartsWith("HTTP/1.1 200", head, StringComparison.Ordinal);
        Assert.Equal(file.Length, body.Length);
        Assert.True(file.AsSpan().SequenceEqual(body), "the file arrived changed: PAT/PMT keepalives were written into it");
    }

    [Fact]
    public async Task AQuietUpstream_GetsPatPmtKeepalives_AndRealDataResumesOnAPacketBoundary()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddLive(Primary, TsPacketFactory.Create(20_000), 400_000, behavior: new OriginBehavior { StallAfterBytes = 188 * 1000 });
        await using var proxy = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["LIVE_CHUNK_TIMEOUT_SECONDS"] = "30" });
        var url = await proxy.StreamUrlAsync(origin.Url(Primary));
        using var client = new MediaClient();

        using var response = await client.OpenAsync(url, cancellationToken: TestContext.Current.CancellationToken);
        // The stall starts after about 0.5 s; it is lifted at 4 s and the same connection goes on.
        var (data, reads) = await CaptureAsync(response, TimeSpan.FromSeconds(5.5), (TimeSpan.FromSeconds(4), () =>
        {
            origin.SetBehavior(Primary, OriginBehavior.Healthy);
            return Task.CompletedTask;
        }
        ));

        Assert.True(TsPacketFactory.IsAligned(data.AsSpan(0, data.Length / 188 * 188)), "the viewer's stream lost packet alignment");
        Assert.Equal(1, origin.RequestCount(Primary));
        var during = reads.Where(r => r.At is > 1_500 and < 3_800).ToList();
        Assert.True(during.Count >= 3, $"only {during.Count} reads while the upstream was quiet");
        var gaps = reads.Zip(reads.Skip(1), (a, b) => b.At - a.At).Max();
        Assert.True(gaps <= 1_500, $"longest silence {gaps} ms");
        // Each keepalive is a PAT and a PMT (the first may also carry the unfinished unit held back before the stall).
        var tables = during.Count(r => TsPacketFactory.PidOf(data.AsSpan(r.Offset)) is TsPacketFactory.PatPid or TsPacketFactory.PmtPid);
        Assert.True(tables >= during.Count - 1, $"{during.Count - tables} of {during.Count} reads during the stall were not keepalives");

        var whole = data[..(data.Length / 188 * 188)];
        Assert.Equal(0, ContinuityErrors(whole, out _));
        var indices = Enumerable.Range(0, whole.Length / 188).Select(i => TsPacketFactory.PacketIndexAt(whole.AsSpan(i * 188))).ToList();
        Assert.Contains(indices, i => i > 1_100); // real data came back after the stall
    }
}
