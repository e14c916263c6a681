using System.Diagnostics;
using M3uProxy.Edge.Events;
using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Tests.Infrastructure;
using M3uProxy.Edge.Tests.Playback;

namespace M3uProxy.Edge.Tests.Failover;

/// <summary>
/// The flapping provider of issue #14, seen by real viewers: for 30 s each primary drops its
/// connections, answers 500, stalls for 12 s and resets, then is stable; every stream has a steady
/// failover URL. Each viewer keeps its one response, loses at most 5 s of picture in all (measured
/// on the video PID: the PAT/PMT keepalives are bytes, not picture), and is never silent for long.
/// </summary>
[Collection(StreamingTests.Name)]
public sealed class FlappingProviderTests
{
    private const int BytesPerSecond = 200_000;
    private const int Viewers = 4;

    private static readonly TimeSpan _leadIn = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan _watch = TimeSpan.FromSeconds(37);

    // Each fault from when it starts, on the connection open then and on every new one: the open
    // connection fails at once (it has sent more than a second of data); a new one after 1 s of data.
    private static readonly (string Name, OriginBehavior Behavior, TimeSpan Length)[] _phases =
    [
        ("drops", new OriginBehavior { DropAfterBytes = BytesPerSecond }, TimeSpan.FromSeconds(6)),
        ("500s", new OriginBehavior { StatusCode = 500, DropAfterBytes = BytesPerSecond }, TimeSpan.FromSeconds(6)),
        ("stall", new OriginBehavior { StallAfterBytes = BytesPerSecond }, TimeSpan.FromSeconds(12)),
        ("resets", new OriginBehavior { ResetAfterBytes = BytesPerSecond }, TimeSpan.FromSeconds(6)),
    ];

    private static string Primary(int viewer) => $"/flap/{viewer}/user/pass/1.ts";

    private static string Backup(int viewer) => $"/steady/{viewer}/user/pass/1.ts";

    /// <summary>Reads for <paramref name="duration"/>; returns each whole packet's PID and arrival (ms), and whether the body ended early.</summary>
    private static async Task<(List<(int Pid, long At)> Packets, bool Ended)> CaptureAsync(HttpResponseMessage response, Stopwatch clock, TimeSpan duration)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(duration);
        var body = await response.Content.ReadAsStreamAsync(cts.Token);
        var packets = new List<(int, long)>();
        var pending = new byte[64 * 1024 + 188];
        var filled = 0;
        try
        {
            int read;
            while ((read = await body.ReadAsync(pending.AsMemory(filled, 64 * 1024), cts.Token)) > 0)
            {
                filled += read;
                var at = clock.ElapsedMilliseconds;
                var whole = filled / 188 * 188;
                for (var offset = 0; offset < whole; offset += 188)
                {
                    Assert.Equal(TsPacketFactory.SyncByte, pending[offset]);
                    packets.Add((TsPacketFactory.PidOf(pending.AsSpan(offset)), at));
                }

                pending.AsSpan(whole, filled - whole).CopyTo(pending);
                filled -= whole;
            }

            return (packets, true);
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            return (packets, false);
        }
    }

    /// <summary>30 s of faults on <paramref name="path"/>, starting with phase <paramref name="first"/>, then healthy.</summary>
    private static async Task FlapAsync(FakeOrigin origin, string path, int first, Stopwatch clock)
    {
        var start = _leadIn;
        for (var step = 0; step <= _phases.Length; step++)
        {
            var wait = start - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, TestContext.Current.CancellationToken);
            }

            if (step == _phases.Length)
            {
                origin.SetBehavior(path, OriginBehavior.Healthy);
                return;
            }

            var phase = _phases[(first + step) % _phases.Length];
            origin.SetBehavior(path, phase.Behavior);
            start += phase.Length;
        }
    }

    private static List<long> Gaps(IEnumerable<long> arrivals)
    {
        var times = arrivals.ToList();
        return [.. times.Zip(times.Skip(1), (a, b) => b - a)];
    }

    [Fact]
    public async Task ThirtySecondsOfDropsErrorsStallsAndResets_EachViewerKeepsOneConnection_AndLosesAtMostFiveSecondsOfPicture()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        for (var viewer = 0; viewer < Viewers; viewer++)
        {
            origin.AddLive(Primary(viewer), TsPacketFactory.Create(20_000), BytesPerSecond);
            origin.AddLive(Backup(viewer), TsPacketFactory.Create(20_000), BytesPerSecond);
        }

        // The defaults (retries, young connections, stall failover, keepalives), as a user runs it.
        await using var proxy = await ProxyHost.StartAsync();
        var urls = new List<string>();
        for (var viewer = 0; viewer < Viewers; viewer++)
        {
            urls.Add(await proxy.StreamUrlAsync(origin.Url(Primary(viewer)), new { failover_urls = new[] { origin.Url(Backup(viewer)) } }));
        }

        using var client = new MediaClient();
        var responses = new List<HttpResponseMessage>();
        foreach (var url in urls)
        {
            responses.Add(await client.OpenAsync(url, cancellationToken: TestContext.Current.CancellationToken));
        }

        try
        {
            var clock = Stopwatch.StartNew();
            var captures = responses.Select(r => CaptureAsync(r, clock, _watch)).ToList();

            // Viewer k's primary starts the cycle at phase k, so each kind of fault is some viewer's first.
            var flapping = Task.WhenAll(Enumerable.Range(0, Viewers).Select(viewer => FlapAsync(origin, Primary(viewer), viewer, clock)));

            var results = await Task.WhenAll(captures);
            await flapping;

            for (var viewer = 0; viewer < Viewers; viewer++)
            {
                var (packets, ended) = results[viewer];
                var first = _phases[viewer % _phases.Length].Name;
                Assert.False(ended, $"viewer {viewer} (first fault: {first}): the response ended");
                var picture = packets.Where(p => p.Pid == TsPacketFactory.ElementaryPid).Select(p => p.At).ToList();
                var pictureGaps = Gaps(picture).Where(g => g > 200).ToList();
                var tail = (long)_watch.TotalMilliseconds - picture[^1];
                var lost = pictureGaps.Sum() + (tail > 200 ? tail : 0);
                Assert.True(lost <= 5_000, $"viewer {viewer} (first fault: {first}) lost {lost} ms of picture: gaps {string.Join(", ", pictureGaps)} ms");
                Assert.True(picture.Last() > _watch.TotalMilliseconds - 1_000, $"viewer {viewer} (first fault: {first}) has no picture at the end");

                // Bytes (keepalives included) never stop for long, so players keep the connection.
                var silence = Gaps(packets.Select(p => p.At)).Max();
                Assert.True(silence <= 1_500, $"viewer {viewer} (first fault: {first}) got no bytes for {silence} ms");
            }

            var failovers = proxy.EventsOf(EventType.FailoverTriggered);
            Assert.Equal(Viewers, failovers.Count); // each stream left its primary once, at its first fault
            Assert.Contains(failovers, f => (string?)f.Data["reason"] == "chunk_timeout_after_retries");
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
    }
}
