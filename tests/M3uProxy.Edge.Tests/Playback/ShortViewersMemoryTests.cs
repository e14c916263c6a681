using System.Globalization;
using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Tests.Infrastructure;

namespace M3uProxy.Edge.Tests.Playback;

/// <summary>
/// Memory goes back after a burst of short viewers (issue #14): the proxy as a real process (the
/// build's app host: server GC with DATAS, as the binary ships), its resident memory read from
/// <c>/proc/PID/status</c>. A bound on memory, not on time.
/// </summary>
[Collection(StreamingTests.Name)]
public sealed class ShortViewersMemoryTests
{
    private const int Channels = 10;
    private const long Mib = 1024 * 1024;

    private static async Task<List<string>> CreateChannelsAsync(ChildProxy proxy, FakeOrigin origin)
    {
        var ids = new List<string>();
        for (var channel = 0; channel < Channels; channel++)
        {
            var path = $"/live/user/pass/{channel}.ts";
            origin.AddLive(path, TsPacketFactory.Create(20_000), 500_000);
            ids.Add(await proxy.CreateStreamAsync(origin.Url(path)));
        }

        return ids;
    }

    /// <summary><paramref name="count"/> viewers, <paramref name="concurrency"/> at a time, each reading about 100 kB of a channel and hanging up.</summary>
    private static async Task WatchBrieflyAsync(ChildProxy proxy, List<string> ids, int count, int concurrency)
    {
        using var client = new MediaClient();
        var next = -1;
        var served = 0;
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int viewer;
            while ((viewer = Interlocked.Increment(ref next)) < count)
            {
                using var response = await client.OpenAsync($"{proxy.Client.BaseAddress}stream/{ids[viewer % ids.Count]}?client_id=short{viewer}", cancellationToken: TestContext.Current.CancellationToken);
                Assert.True(response.IsSuccessStatusCode, $"viewer {viewer}: {(int)response.StatusCode}");
                var data = await MediaClient.ReadAtLeastAsync(response, 100_000, TimeSpan.FromSeconds(20));
                Assert.Equal(100_000, data.Length);
                Interlocked.Increment(ref served);
            }
        });
        await Task.WhenAll(workers);
        Assert.Equal(count, served);
    }

    /// <summary>Anonymous, file-backed and shared resident memory (the JIT's double-mapped code is shared).</summary>
    private static string ResidentKinds(ChildProxy proxy)
        => string.Join(", ", File.ReadAllLines($"/proc/{proxy.Id}/status").Where(l => l.StartsWith("Rss", StringComparison.Ordinal)).Select(l => string.Join(' ', l.Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries))));

    private static async Task<string> RuntimeFiguresAsync(ChildProxy proxy)
    {
        var metrics = await proxy.Client.GetStringAsync("metrics", TestContext.Current.CancellationToken);
        return string.Join('\n', metrics.Split('\n').Where(l => !l.StartsWith('#') && (l.Contains("gc_", StringComparison.Ordinal) || l.Contains("memory", StringComparison.Ordinal) || l.Contains("thread", StringComparison.Ordinal))));
    }

    [Fact]
    public async Task AThousandShortViewers_ResidentMemoryTenSecondsLater_IsWithin16MiBOfBefore()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        await using var proxy = ChildProxy.Start(new Dictionary<string, string> { ["LOG_LEVEL"] = "WARNING" });
        await proxy.WaitUntilUpAsync();
        var ids = await CreateChannelsAsync(proxy, origin);

        // "Before" is the proxy after 300 viewers, 50 at a time, of every channel: code that runs for
        // every viewer has been loaded (and, in this JIT build, compiled), as in a running proxy.
        await WatchBrieflyAsync(proxy, ids, count: 300, concurrency: 50);
        await Task.Delay(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        var before = proxy.ResidentBytes;
        var kindsBefore = ResidentKinds(proxy);

        await WatchBrieflyAsync(proxy, ids, count: 1_000, concurrency: 250);
        var peak = proxy.ResidentBytes;
        await Task.Delay(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        var after = proxy.ResidentBytes;

        var report = string.Create(CultureInfo.InvariantCulture, $"RSS before {before / Mib} MiB, after the burst {peak / Mib} MiB, 10 s later {after / Mib} MiB");
        report += $" (before: {kindsBefore}; after: {ResidentKinds(proxy)})";
        TestContext.Current.TestOutputHelper?.WriteLine(report);
        Assert.True(after - before <= 16 * Mib, report + "\n" + await RuntimeFiguresAsync(proxy));
    }
}
