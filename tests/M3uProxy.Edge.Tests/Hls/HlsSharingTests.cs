using M3uProxy.Edge.Events;
using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Tests.Infrastructure;
using M3uProxy.Edge.Tests.Playback;

namespace M3uProxy.Edge.Tests.Hls;

/// <summary>N viewers, one upstream request: single flight and caches, counted at the origin.</summary>
/// <remarks>In the streaming collection: a hundred viewers load the machine, which other timing-sensitive streaming tests must not share.</remarks>
[Collection(StreamingTests.Name)]
public sealed class HlsSharingTests
{
    private const int Viewers = 100;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_hundred_concurrent_viewers_cost_one_upstream_request_per_segment_and_playlist()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: Cancel);
        var folder = await TestMedia.GetHlsFolderAsync();
        origin.AddHls("/ch/vod", folder);
        origin.AddText("/ch/master.m3u8", "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000\nvod/index.m3u8\n", "application/vnd.apple.mpegurl");
        var slow = new OriginBehavior { DelayBeforeHeaders = TimeSpan.FromMilliseconds(300) };
        foreach (var path in new[] { "/ch/master.m3u8", "/ch/vod/index.m3u8", "/ch/vod/seg_000.ts", "/ch/vod/seg_001.ts", "/ch/vod/seg_002.ts" })
        {
            origin.SetBehavior(path, slow);
        }

        await using var proxy = await ProxyHost.StartAsync();
        var created = await proxy.CreateStreamAsync(new { url = origin.Url("/ch/master.m3u8") });
        var id = (string)created["stream_id"]!;
        var expected = await File.ReadAllBytesAsync(Path.Combine(folder, "seg_002.ts"), Cancel);
        using var start = new SemaphoreSlim(0);

        var viewers = Enumerable.Range(0, Viewers).Select(async viewer =>
        {
            await start.WaitAsync(Cancel);
            var master = await proxy.Client.GetStringAsync($"/m3u-proxy/hls/{id}/playlist.m3u8?client_id=viewer-{viewer}", Cancel);
            var media = await proxy.Client.GetStringAsync(HlsPlaylistText.Variants(master).Single(), Cancel);
            var segments = HlsPlaylistText.Uris(media);
            byte[] last = [];
            foreach (var segment in segments.Take(3))
            {
                last = await proxy.Client.GetByteArrayAsync(segment, Cancel);
            }

            return last;
        }).ToList();
        start.Release(Viewers);
        var bodies = await Task.WhenAll(viewers);

        Assert.All(bodies, body => Assert.Equal(expected, body));
        Assert.Equal(1, origin.RequestCount("/ch/master.m3u8"));
        Assert.Equal(1, origin.RequestCount("/ch/vod/index.m3u8"));
        Assert.Equal(1, origin.RequestCount("/ch/vod/seg_000.ts"));
        Assert.Equal(1, origin.RequestCount("/ch/vod/seg_001.ts"));
        Assert.Equal(1, origin.RequestCount("/ch/vod/seg_002.ts"));
        // One client_connected per viewer, not one per request.
        Assert.Equal(Viewers, proxy.EventsOf(EventType.ClientConnected).Count);
        var (_, stats, _) = await proxy.GetAsync($"/streams/{id}");
        Assert.Equal(Viewers, (int)stats!["client_count"]!);
        Assert.Equal(Viewers * 3, (long)stats["stream"]!["total_segments_served"]!);
    }

    [Fact]
    public async Task A_live_playlist_is_fetched_once_per_refresh_for_many_viewers()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: Cancel);
        origin.AddText("/live.m3u8", "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-MEDIA-SEQUENCE:7\n#EXTINF:6,\na.ts\n", "application/vnd.apple.mpegurl",
            new OriginBehavior { DelayBeforeHeaders = TimeSpan.FromMilliseconds(200) });
        await using var proxy = await ProxyHost.StartAsync();
        var created = await proxy.CreateStreamAsync(new { url = origin.Url("/live.m3u8") });

        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => proxy.Client.GetStringAsync($"/hls/{created["stream_id"]}/playlist.m3u8?client_id=v{i}", Cancel)));

        Assert.All(answers, a => Assert.Contains("#EXT-X-MEDIA-SEQUENCE:7", a, StringComparison.Ordinal));
        Assert.Equal(1, origin.RequestCount("/live.m3u8"));
    }

    [Fact]
    public async Task Byte_ranges_of_one_url_are_cached_apart()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: Cancel);
        var file = new byte[10_000];
        new Random(3).NextBytes(file);
        origin.AddFile("/vod/main.ts", file, "video/mp2t");
        origin.AddText("/vod/index.m3u8", "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\n#EXT-X-BYTERANGE:5000@0\nmain.ts\n#EXTINF:2,\n#EXT-X-BYTERANGE:5000@5000\nmain.ts\n#EXT-X-ENDLIST\n", "application/vnd.apple.mpegurl");
        await using var proxy = await ProxyHost.StartAsync();
        var created = await proxy.CreateStreamAsync(new { url = origin.Url("/vod/index.m3u8") });
        var segment = HlsPlaylistText.Uris(await proxy.Client.GetStringAsync($"/hls/{created["stream_id"]}/playlist.m3u8", Cancel))[0];

        for (var round = 0; round < 3; round++)
        {
            foreach (var (first, last) in new[] { (0, 4999), (5000, 9999) })
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, segment);
                request.Headers.TryAddWithoutValidation("Range", $"bytes={first}-{last}");
                using var response = await proxy.Client.SendAsync(request, Cancel);
                Assert.Equal(206, (int)response.StatusCode);
                Assert.Equal($"bytes {first}-{last}/{file.Length}", response.Content.Headers.ContentRange?.ToString());
                Assert.Equal(file.AsSpan(first, 5000).ToArray(), await response.Content.ReadAsByteArrayAsync(Cancel));
            }
        }

        Assert.Equal(2, origin.RequestCount("/vod/main.ts"));
    }

    [Fact]
    public async Task A_segment_larger_than_the_shared_limit_streams_through_to_each_viewer()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: Cancel);
        var file = new byte[Edge.Hls.HlsLimits.MaxSharedSegmentBytes + 1000];
        new Random(5).NextBytes(file);
        origin.AddFile("/vod/big.ts", file, "video/mp2t");
        origin.AddText("/vod/index.m3u8", "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\nbig.ts\n#EXT-X-ENDLIST\n", "application/vnd.apple.mpegurl");
        await using var proxy = await ProxyHost.StartAsync();
        var created = await proxy.CreateStreamAsync(new { url = origin.Url("/vod/index.m3u8") });
        var segment = HlsPlaylistText.Uris(await proxy.Client.GetStringAsync($"/hls/{created["stream_id"]}/playlist.m3u8", Cancel))[0];

        using var response = await proxy.Client.GetAsync(segment, HttpCompletionOption.ResponseHeadersRead, Cancel);
        Assert.Equal(file.Length, response.Content.Headers.ContentLength);
        Assert.Equal(file, await response.Content.ReadAsByteArrayAsync(Cancel));
        var fetcher = proxy.Services.GetRequiredService<Edge.Hls.SegmentFetcher>();
        Assert.Equal(0, fetcher.Cache.SizeBytes);
    }
}
