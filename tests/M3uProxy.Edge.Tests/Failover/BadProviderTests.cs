using System.Diagnostics;
using M3uProxy.Edge.Events;
using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Tests.Infrastructure;
using M3uProxy.Edge.Tests.Playback;

namespace M3uProxy.Edge.Tests.Failover;

/// <summary>
/// A bad provider seen by a real viewer: a flapping primary is abandoned at its first young drop,
/// answers a retry would only repeat (401/403/404/410, a page instead of video) are not retried,
/// and same-URL retries remain where they help.
/// </summary>
[Collection(StreamingTests.Name)]
public sealed class BadProviderTests
{
    private const string Primary = "/live/user/pass/1.ts";
    private const string Backup = "/backup/user/pass/1.ts";
    private const string Page = "<!DOCTYPE html>\n<html><head><title>Your plan has expired</title></head><body>Buy a plan</body></html>\n";

    private static readonly byte[] _primaryPackets = TsPacketFactory.Create(20_000);
    private static readonly byte[] _backupPackets = TsPacketFactory.Create(30_000)[(188 * 10_000)..];

    // The reference's defaults for retries (3 attempts, 1 s apart): a retry would show as a second request.
    private static readonly Dictionary<string, string?> _defaults = new() { ["LIVE_CHUNK_TIMEOUT_SECONDS"] = "1" };

    private static async Task<(FakeOrigin Origin, ProxyHost Proxy)> StartAsync(OriginBehavior? primary, Dictionary<string, string?>? settings = null)
    {
        var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddLive(Primary, _primaryPackets, 400_000, behavior: primary);
        origin.AddLive(Backup, _backupPackets, 400_000);
        var proxy = await ProxyHost.StartAsync(settings ?? _defaults);
        return (origin, proxy);
    }

    /// <summary>Reads for <paramref name="duration"/>; returns the bytes and the longest wait between two reads.</summary>
    private static async Task<(byte[] Data, long LongestGapMs)> WatchAsync(HttpResponseMessage response, TimeSpan duration)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(duration);
        var body = await response.Content.ReadAsStreamAsync(cts.Token);
        var data = new MemoryStream();
        var buffer = new byte[64 * 1024];
        var clock = Stopwatch.StartNew();
        long last = 0, longest = 0;
        try
        {
            int read;
            while ((read = await body.ReadAsync(buffer, cts.Token)) > 0)
            {
                data.Write(buffer, 0, read);
                longest = Math.Max(longest, clock.ElapsedMilliseconds - last);
                last = clock.ElapsedMilliseconds;
            }
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
        }

        return (data.ToArray(), longest);
    }

    private static List<int> Indices(byte[] data)
        => Enumerable.Range(0, data.Length / 188).Select(i => TsPacketFactory.PacketIndexAt(data.AsSpan(i * 188))).ToList();

    [Theory]
    [InlineData("drop")]
    [InlineData("reset")]
    public async Task YoungDrop_WithAFailoverUrl_FailsOverAtOnce_WithoutASameUrlRetry(string fault)
    {
        // About 1.9 s of data, then the primary drops: every connection to it would do the same.
        var behavior = fault == "drop" ? new OriginBehavior { DropAfterBytes = 188 * 4000 } : new OriginBehavior { ResetAfterBytes = 188 * 4000 };
        var (origin, proxy) = await StartAsync(behavior);
        await using var _ = origin;
        await using var __ = proxy;
        var url = await proxy.StreamUrlAsync(origin.Url(Primary), new { failover_urls = new[] { origin.Url(Backup) } });
        using var client = new MediaClient();

        using var response = await client.OpenAsync(url, cancellationToken: TestContext.Current.CancellationToken);
        var (data, longestGap) = await WatchAsync(response, TimeSpan.FromSeconds(4));

        var indices = Indices(data);
        Assert.Contains(indices, i => i < 10_000);
        Assert.Contains(indices, i => i >= 10_000);
        Assert.Equal(1, origin.RequestCount(Primary)); // no same-URL retry of a young connection
        Assert.True(longestGap <= 2_000, $"longest gap {longestGap} ms");
        var failover = Assert.Single(proxy.EventsOf(EventType.FailoverTriggered));
        Assert.Equal(fault == "drop" ? "live_stream_silent_close" : "stream_error_ReadError_after_retries", (string?)failover.Data["reason"]);
    }

    [Fact]
    public async Task DropAfterHealthyStreaming_IsRetriedOnTheSameUrl()
    {
        // Young means under 0.5 s here; the primary drops after about 1.9 s of data, so it is retried.
        var settings = new Dictionary<string, string?>(_defaults) { ["STREAM_YOUNG_CONNECTION_SECONDS"] = "0.5", ["STREAM_RETRY_DELAY"] = "0.1" };
        var (origin, proxy) = await StartAsync(new OriginBehavior { DropAfterBytes = 188 * 4000 }, settings);
        await using var _ = origin;
        await using var __ = proxy;
        var url = await proxy.StreamUrlAsync(origin.Url(Primary), new { failover_urls = new[] { origin.Url(Backup) } });
        using var client = new MediaClient();

        using var response = await client.OpenAsync(url, cancellationToken: TestContext.Current.CancellationToken);
        var (data, _) = await WatchAsync(response, TimeSpan.FromSeconds(3));

        Assert.All(Indices(data), i => Assert.True(i < 10_000));
        Assert.True(origin.RequestCount(Primary) >= 2, "the primary was not retried");
        Assert.Empty(proxy.EventsOf(EventType.FailoverTriggered));
    }

    [Fact]
    public async Task YoungDrop_WithoutFailoverUrls_IsRetriedOnTheSameUrl()
    {
        var settings = new Dictionary<string, string?>(_defaults) { ["STREAM_RETRY_DELAY"] = "0.1" };
        var (origin, proxy) = await StartAsync(new OriginBehavior { DropAfterBytes = 188 * 1000 }, settings);
        await using var _ = origin;
        await using var __ = proxy;
        var url = await proxy.StreamUrlAsync(origin.Url(Primary));
        using var client = new MediaClient();

        using var response = await client.OpenAsync(url, cancellationToken: TestContext.Current.CancellationToken);
        var data = await MediaClient.ReadAtLeastAsync(response, 188 * 1500, TimeSpan.FromSeconds(10));

        Assert.True(data.Length >= 188 * 1500);
        Assert.True(origin.RequestCount(Primary) >= 2);
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(410)]
    public async Task PermanentStatus_WithoutFailover_Is502NamingTheStatus_WithoutARetry(int status)
    {
        var (origin, proxy) = await StartAsync(new OriginBehavior { StatusCode = status });
        await using var _ = origin;
        await using var __ = proxy;
        var url = await proxy.StreamUrlAsync(origin.Url(Primary));
        using var client = new MediaClient();

        using var response = await client.OpenAsync(url, cancellationToken: TestContext.Current.CancellationToken);
        var body = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        Assert.Equal(502, (int)response.StatusCode);
        Assert.Equal($"Upstream answered {status} (text/plain)", (string?)body!["detail"]);
        Assert.Equal(1, origin.RequestCount(Primary)); // the default 3 retries, 1 s apart, are skipped
        var failed = Assert.Single(proxy.EventsOf(EventType.StreamFailed));
        Assert.Equal("permanent_error", (string?)failed.Data["reason"]);
    }

    [Fact]
    public async Task PermanentStatus_WithFailover_SwitchesAtOnce()
    {
        var (origin, proxy) = await StartAsync(new OriginBehavior { StatusCode = 403 });
        await using var _ = origin;
        await using var __ = proxy;
        var url = await proxy.StreamUrlAsync(origin.Url(Primary), new { failover_urls = new[] { origin.Url(Backup) } });
        using var client = new MediaClient();

        using var response = await client.OpenAsync(url, cancellationToken: TestContext.Current.CancellationToken);
        var data = await MediaClient.ReadAtLeastAsync(response, 188 * 50, TimeSpan.FromSeconds(10));

        Assert.All(Indices(data[..(188 * 50)]), i => Assert.True(i >= 10_000));
        Assert.Equal(1, origin.RequestCount(Primary));
        var failover = Assert.Single(proxy.EventsOf(EventType.FailoverTriggered));
        Assert.Equal("stream_error_HTTPStatusError", (string?)failover.Data["reason"]);
    }

    [Theory]
    [InlineData("text/html; charset=utf-8")]
    [InlineData("video/mp2t")]
    public async Task PageInsteadOfVideo_Is502NamingIt_AndTheBackupIsUsedWhenThereIsOne(string declaredType)
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddText(Primary, Page, declaredType);
        origin.AddLive(Backup, _backupPackets, 400_000);
        await using var proxy = await ProxyHost.StartAsync(_defaults);
        var alone = await proxy.StreamUrlAsync(origin.Url(Primary));
        var withBackup = await proxy.StreamUrlAsync(origin.Url(Primary) + "?b=1", new { failover_urls = new[] { origin.Url(Backup) } });
        using var client = new MediaClient();

        using (var response = await client.OpenAsync(alone, cancellationToken: TestContext.Current.CancellationToken))
        {
            var body = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            Assert.Equal(502, (int)response.StatusCode);
            var detail = (string?)body!["detail"];
            Assert.Contains("200", detail, StringComparison.Ordinal);
            Assert.Contains(declaredType.Split(';')[0], detail, StringComparison.Ordinal);
            Assert.Contains("not media", detail, StringComparison.Ordinal);
        }

        Assert.Equal(1, origin.RequestCount(Primary));
        using (var response = await client.OpenAsync(withBackup, cancellationToken: TestContext.Current.CancellationToken))
        {
            var data = await MediaClient.ReadAtLeastAsync(response, 188 * 50, TimeSpan.FromSeconds(10));
            Assert.Equal(200, (int)response.StatusCode);
            Assert.All(Indices(data[..(188 * 50)]), i => Assert.True(i >= 10_000));
        }

        Assert.Equal(2, origin.RequestCount(Primary));
    }
}
