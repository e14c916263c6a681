using M3uProxy.Edge.Events;
using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace M3uProxy.Edge.Tests.Hls;

/// <summary>Variant records, failover-driven playlists and HLS client tracking.</summary>
public sealed class HlsVariantTests
{
    private const string Mpegurl = "application/vnd.apple.mpegurl";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static string LiveMedia(string segment, int targetDuration = 1)
        => $"#EXTM3U\n#EXT-X-TARGETDURATION:{targetDuration}\n#EXT-X-MEDIA-SEQUENCE:1\n#EXTINF:{targetDuration},\n{segment}\n";

    [Fact]
    public async Task Variants_and_their_segments_carry_the_parents_user_agent_and_custom_headers()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: Cancel);
        var required = new OriginBehavior { RequiredHeaders = new Dictionary<string, string> { ["X-Secret"] = "s1", ["User-Agent"] = "Box/1" } };
        origin.AddText("/m.m3u8", "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv/chunklist?token=t\n", Mpegurl, required);
        origin.AddText("/v/chunklist", LiveMedia("seg.ts"), Mpegurl, required);
        origin.AddFile("/v/seg.ts", TsPacketFactory.Create(10), "video/mp2t", required);
        await using var proxy = await ProxyHost.StartAsync();
        var created = await proxy.CreateStreamAsync(new { url = origin.Url("/m.m3u8"), user_agent = "Box/1", headers = new Dictionary<string, string> { ["X-Secret"] = "s1" } });

        var master = await proxy.Client.GetStringAsync($"/hls/{created["stream_id"]}/playlist.m3u8", Cancel);
        var media = await proxy.Client.GetStringAsync(HlsPlaylistText.Variants(master).Single(), Cancel);
        var segment = await proxy.Client.GetByteArrayAsync(HlsPlaylistText.Uris(media).Single(), Cancel);

        Assert.Equal(TsPacketFactory.Create(10), segment);
        Assert.Equal(1, origin.RequestCount("/v/chunklist"));
    }

    [Fact]
    public async Task After_the_parent_fails_over_a_variant_comes_from_the_new_sources_master()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: Cancel);
        origin.AddText("/p/master.m3u8", "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\n", Mpegurl);
        origin.AddText("/p/v.m3u8", LiveMedia("p-seg.ts"), Mpegurl);
        origin.AddText("/b/master.m3u8", "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nlow/v.m3u8\n", Mpegurl);
        origin.AddText("/b/low/v.m3u8", LiveMedia("b-seg.ts"), Mpegurl);
        await using var proxy = await ProxyHost.StartAsync();
        var created = await proxy.CreateStreamAsync(new { url = origin.Url("/p/master.m3u8"), failover_urls = new[] { origin.Url("/b/master.m3u8") } });
        var id = (string)created["stream_id"]!;
        var variant = HlsPlaylistText.Variants(await proxy.Client.GetStringAsync($"/hls/{id}/playlist.m3u8", Cancel)).Single();
        Assert.Contains("%2Fp-seg.ts", await proxy.Client.GetStringAsync(variant, Cancel), StringComparison.Ordinal);

        origin.Remove("/p/v.m3u8");
        origin.SetBehavior("/p/master.m3u8", new OriginBehavior { StatusCode = 500 });
        await Task.Delay(700, Cancel); // past the cached copy's half target duration

        var afterFailover = await proxy.Client.GetStringAsync(variant, Cancel);
        Assert.Contains("%2Fb%2Flow%2Fb-seg.ts", afterFailover, StringComparison.Ordinal);
        Assert.DoesNotContain("p-seg", afterFailover, StringComparison.Ordinal);
        Assert.Single(proxy.EventsOf(EventType.FailoverTriggered));
        var newMaster = await proxy.Client.GetStringAsync($"/hls/{id}/playlist.m3u8", Cancel);
        Assert.Contains("%2Fb%2Flow%2Fv.m3u8", newMaster, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_failures_of_one_playlist_advance_the_failover_once()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: Cancel);
        origin.AddText("/p.m3u8", "#EXTM3U\n", Mpegurl, new OriginBehavior { StatusCode = 500, DelayBeforeHeaders = TimeSpan.FromMilliseconds(200) });
        origin.AddText("/b1.m3u8", LiveMedia("b1.ts"), Mpegurl);
        origin.AddText("/b2.m3u8", LiveMedia("b2.ts"), Mpegurl);
        await using var proxy = await ProxyHost.StartAsync();
        var created = await proxy.CreateStreamAsync(new { url = origin.Url("/p.m3u8"), failover_urls = new[] { origin.Url("/b1.m3u8"), origin.Url("/b2.m3u8") } });

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => proxy.Client.GetStringAsync($"/hls/{created["stream_id"]}/playlist.m3u8?client_id=c{i}", Cancel)));

        Assert.All(answers, a => Assert.Contains("b1.ts", a, StringComparison.Ordinal));
        var failover = Assert.Single(proxy.EventsOf(EventType.FailoverTriggered));
        Assert.Equal("playlist_fetch_error_Status", (string?)failover.Data["reason"]);
        Assert.Equal(0, origin.RequestCount("/b2.m3u8"));
        Assert.Equal(1, origin.RequestCount("/p.m3u8"));
    }

    [Fact]
    public async Task A_segment_failure_never_fails_the_stream_over()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: Cancel);
        origin.AddText("/p.m3u8", LiveMedia("missing.ts"), Mpegurl);
        origin.AddText("/b.m3u8", LiveMedia("b.ts"), Mpegurl);
        await using var proxy = await ProxyHost.StartAsync();
        var created = await proxy.CreateStreamAsync(new { url = origin.Url("/p.m3u8"), failover_urls = new[] { origin.Url("/b.m3u8") } });
        var media = await proxy.Client.GetStringAsync($"/hls/{created["stream_id"]}/playlist.m3u8", Cancel);

        for (var i = 0; i < 3; i++)
        {
            var (status, _, _) = await proxy.GetAsync(HlsPlaylistText.Uris(media).Single());
            Assert.Equal(404, status);
        }

        Assert.Empty(proxy.EventsOf(EventType.FailoverTriggered));
        Assert.Equal(0, origin.RequestCount("/b.m3u8"));
    }

    [Fact]
    public async Task An_hls_client_connects_once_and_is_dropped_only_after_a_few_target_durations_without_requests()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-29T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: Cancel);
        origin.AddText("/master.m3u8", "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\n", Mpegurl);
        origin.AddText("/v.m3u8", LiveMedia("s.ts", targetDuration: 10), Mpegurl);
        origin.AddFile("/s.ts", TsPacketFactory.Create(10), "video/mp2t");
        await using var proxy = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["CLIENT_TIMEOUT"] = "10", ["STREAM_TIMEOUT"] = "600" }, time);
        var created = await proxy.CreateStreamAsync(new { url = origin.Url("/master.m3u8") });
        var id = (string)created["stream_id"]!;

        var master = await proxy.Client.GetStringAsync($"/hls/{id}/playlist.m3u8?client_id=tv", Cancel);
        var media = await proxy.Client.GetStringAsync(HlsPlaylistText.Variants(master).Single(), Cancel);
        for (var i = 0; i < 3; i++)
        {
            await proxy.Client.GetByteArrayAsync(HlsPlaylistText.Uris(media).Single(), Cancel);
        }

        Assert.Single(proxy.EventsOf(EventType.ClientConnected));
        time.Advance(TimeSpan.FromSeconds(25));
        proxy.Lifecycle.ReapIdle();
        Assert.True(proxy.Lifecycle.Clients.TryGet("tv", out _), "a client 25 s idle on a 10 s target duration is still watching");
        Assert.Empty(proxy.EventsOf(EventType.StreamStopped));

        time.Advance(TimeSpan.FromSeconds(10));
        proxy.Lifecycle.ReapIdle();
        Assert.False(proxy.Lifecycle.Clients.TryGet("tv", out _));
        Assert.Single(proxy.EventsOf(EventType.ClientDisconnected));
        var stopped = Assert.Single(proxy.EventsOf(EventType.StreamStopped));
        Assert.Equal(id, stopped.StreamId);
        Assert.Equal("last_client_disconnected", (string?)stopped.Data["reason"]);
    }
}
