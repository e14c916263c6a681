using System.Diagnostics;
using M3uProxy.Edge.Events;
using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Tests.Infrastructure;
using M3uProxy.Edge.Tests.Playback;

namespace M3uProxy.Edge.Tests.Failover;

/// <summary>Strict live TS mode (seed-spec §6.7), as Kodi needs it: plain 200s, a real pre-buffer, a prompt circuit breaker.</summary>
[Collection(StreamingTests.Name)]
public sealed class StrictLiveTsTests
{
    private const string Primary = "/live/user/pass/7.ts";
    private const string Backup = "/backup/user/pass/7.ts";
    private static readonly byte[] _packets = TsPacketFactory.Create(20_000);
    private static readonly byte[] _backupPackets = TsPacketFactory.Create(30_000)[(188 * 10_000)..];

    [Fact]
    public async Task StrictViewer_Gets200_WithoutLengthOrRange_AndKeepAlive_EvenWhenAskingForARange()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddLive(Primary, _packets, 400_000);
        await using var proxy = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["STRICT_LIVE_TS_PREBUFFER_SIZE"] = "0" });
        var url = await proxy.StreamUrlAsync(origin.Url(Primary), new { strict_live_ts = true });
        using var client = new MediaClient();

        using var response = await client.OpenAsync(url, range: "bytes=1000-", cancellationToken: TestContext.Current.CancellationToken);
        var data = await MediaClient.ReadAtLeastAsync(response, 188 * 20, TimeSpan.FromSeconds(10));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Null(response.Content.Headers.ContentLength);
        Assert.Null(response.Content.Headers.ContentRange);
        Assert.Equal("none", response.Headers.AcceptRanges.Single());
        Assert.Contains("keep-alive", response.Headers.Connection);
        Assert.True(TsPacketFactory.IsAligned(data.AsSpan(0, data.Length / 188 * 188)));
        Assert.False(origin.Requests(Primary).Single().Headers.ContainsKey("Range"));
    }

    [Fact]
    public async Task StrictHead_IsAnsweredLocally()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddLive(Primary, _packets, 400_000);
        await using var proxy = await ProxyHost.StartAsync();
        var url = await proxy.StreamUrlAsync(origin.Url(Primary), new { strict_live_ts = true });
        using var client = new MediaClient();

        using var response = await client.HeadAsync(url);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("video/mp2t", response.Content.Headers.ContentType?.MediaType);
        Assert.Null(response.Content.Headers.ContentLength);
        Assert.Equal(0, origin.TcpConnectionsAccepted);
    }

    [Fact]
    public async Task PreBuffer_HoldsTheFirstByte_UntilItsSizeIsBuffered_AndThenSendsItAtOnce()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddLive(Primary, _packets, 200_000);
        const int prebuffer = 300_000;
        await using var proxy = await ProxyHost.StartAsync(new Dictionary<string, string?>
        {
            ["STRICT_LIVE_TS_PREBUFFER_SIZE"] = prebuffer.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["STRICT_LIVE_TS_PREBUFFER_TIMEOUT"] = "30",
        });
        var url = await proxy.StreamUrlAsync(origin.Url(Primary), new { strict_live_ts = true });
        using var client = new MediaClient();
        var clock = Stopwatch.StartNew();

        using var response = await client.OpenAsync(url, cancellationToken: TestContext.Current.CancellationToken);
        var headersAfter = clock.Elapsed;
        var first = await MediaClient.ReadAtLeastAsync(response, prebuffer, TimeSpan.FromSeconds(10));
        var prebufferedAfter = clock.Elapsed;

        // 300 KB at 200 KB/s cannot be buffered in under a second, however fast the machine.
        Assert.True(headersAfter >= TimeSpan.FromSeconds(1), $"headers after {headersAfter.TotalMilliseconds} ms");
        Assert.True(first.Length >= prebuffer);
        Assert.True(prebufferedAfter - headersAfter < TimeSpan.FromSeconds(1), "the pre-buffer was not sent at once");
    }

    [Fact]
    public async Task PreBuffer_IsBoundedByItsTimeout()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddLive(Primary, _packets, 100_000);
        await using var proxy = await ProxyHost.StartAsync(new Dictionary<string, string?>
        {
            ["STRICT_LIVE_TS_PREBUFFER_SIZE"] = "50000000",
            ["STRICT_LIVE_TS_PREBUFFER_TIMEOUT"] = "1",
        });
        var url = await proxy.StreamUrlAsync(origin.Url(Primary), new { strict_live_ts = true });
        using var client = new MediaClient();

        using var response = await client.OpenAsync(url, cancellationToken: TestContext.Current.CancellationToken);
        var data = await MediaClient.ReadAtLeastAsync(response, 188 * 10, TimeSpan.FromSeconds(10));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.True(data.Length >= 188 * 10);
    }

    [Fact]
    public async Task CircuitBreaker_FiresAtItsTimeout_FailsOver_AndCoolsThePrimaryDown()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddLive(Primary, _packets, 400_000, behavior: new OriginBehavior { StallAfterBytes = 188 * 1000 });
        origin.AddLive(Backup, _backupPackets, 400_000);
        await using var proxy = await ProxyHost.StartAsync(new Dictionary<string, string?>
        {
            ["STRICT_LIVE_TS_PREBUFFER_SIZE"] = "0",
            ["STRICT_LIVE_TS_CIRCUIT_BREAKER_TIMEOUT"] = "1",
            ["STRICT_LIVE_TS_CIRCUIT_BREAKER_COOLDOWN"] = "600",
            ["LIVE_CHUNK_TIMEOUT_SECONDS"] = "30",
        });
        var url = await proxy.StreamUrlAsync(origin.Url(Primary), new { strict_live_ts = true, failover_urls = new[] { origin.Url(Backup) } });
        var streamId = url[(url.LastIndexOf('/') + 1)..];
        using var client = new MediaClient();

        using var response = await client.OpenAsync(url, cancellationToken: TestContext.Current.CancellationToken);
        // The breaker (1 s), not the chunk timeout (30 s), must move the viewer to the backup.
        var data = await MediaClient.ReadAtLeastAsync(response, 188 * 4000, TimeSpan.FromSeconds(10));

        var indices = Enumerable.Range(0, data.Length / 188).Select(i => TsPacketFactory.PacketIndexAt(data.AsSpan(i * 188))).ToList();
        Assert.Contains(indices, i => i >= 10_000);
        var failover = Assert.Single(proxy.EventsOf(EventType.FailoverTriggered));
        Assert.Equal("circuit_breaker_timeout", (string?)failover.Data["reason"]);

        // The primary is cooling down: a manual failover has nothing to switch to.
        var (status, body, _) = await proxy.SendAsync(HttpMethod.Post, $"streams/{streamId}/failover");
        Assert.Equal(409, status);
        Assert.Equal("Failover failed - no working failover URLs available", (string?)body!["detail"]);
    }
}
