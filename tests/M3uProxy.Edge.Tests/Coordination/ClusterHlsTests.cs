using System.Net;
using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Tests.Hls;
using M3uProxy.Edge.Tests.Infrastructure;

namespace M3uProxy.Edge.Tests.Coordination;

/// <summary>
/// An HLS source across real instances sharing a real redis-server: the instance that owns the
/// stream fetches its playlists and segments upstream, the others get them from it over
/// <c>/cluster/hls/</c>, so the origin sees one request per playlist (per refresh) and per segment;
/// when the owner is killed, an instance with viewers takes the stream over.
/// </summary>
public sealed class ClusterHlsTests
{
    public const string Secret = "cluster-hls-test-secret";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PlayedOnTwoInstances_TheOriginSeesOneRequestPerPlaylistAndSegment()
    {
        await using var cluster = await TestCluster.StartAsync();
        var origin = cluster.Origin;
        var folder = await AddMasterAsync(origin);
        // The media playlist itself (a VOD: kept 30 s, longer than this test takes on a loaded machine; a master's 5 s may not be).
        var id = await TestCluster.CreateAsync(cluster.A, new { url = origin.Url("/ch/vod/index.m3u8") });
        var expected = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => File.ReadAllBytesAsync(Path.Combine(folder, $"seg_{i:000}.ts"), Cancel)));

        foreach (var (instance, viewer) in new[] { (cluster.B, "b1"), (cluster.A, "a1"), (cluster.B, "b2") })
        {
            var segments = await PlayAsync(instance, id, viewer, 3);
            Assert.Equal(expected, segments);
        }

        Assert.Equal(1, origin.RequestCount("/ch/vod/index.m3u8"));
        Assert.All(Enumerable.Range(0, 3), i => Assert.Equal(1, origin.RequestCount($"/ch/vod/seg_{i:000}.ts")));
        // The viewers are counted where they watch: the owner (B, the first with a viewer) counts none of A's.
        var (_, onA, _) = await cluster.A.GetAsync($"streams/{id}");
        Assert.Equal(3, (long)onA!["stream"]!["total_segments_served"]!);
    }

    [Fact]
    public async Task ViewersOnBothInstancesAtOnce_OneOwnerWins_TheOriginSeesOneRequestPerPlaylistAndSegment()
    {
        await using var cluster = await TestCluster.StartAsync();
        var origin = cluster.Origin;
        await AddMasterAsync(origin);
        var slow = new OriginBehavior { DelayBeforeHeaders = TimeSpan.FromMilliseconds(300) }; // the first requests overlap
        foreach (var path in new[] { "/ch/master.m3u8", "/ch/vod/index.m3u8", "/ch/vod/seg_000.ts", "/ch/vod/seg_001.ts" })
        {
            origin.SetBehavior(path, slow);
        }

        var id = await TestCluster.CreateAsync(cluster.A, new { url = origin.Url("/ch/master.m3u8") });
        using var start = new SemaphoreSlim(0);
        var viewers = Enumerable.Range(0, 20).Select(async i =>
        {
            await start.WaitAsync(Cancel);
            return await PlayAsync(i % 2 == 0 ? cluster.A : cluster.B, id, $"v{i}", 2);
        }).ToList();
        start.Release(viewers.Count);
        await Task.WhenAll(viewers);

        foreach (var path in new[] { "/ch/master.m3u8", "/ch/vod/index.m3u8", "/ch/vod/seg_000.ts", "/ch/vod/seg_001.ts" })
        {
            Assert.Equal(1, origin.RequestCount(path));
        }
    }

    [Fact]
    public async Task AVariantsSegments_AskedWhereTheVariantIsUnknown_ComeThroughTheOwner_WithTheStreamsHeaders()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: Cancel);
        var folder = await AddMasterAsync(origin);
        // The key HLS child URLs are signed with, the same on every instance (as docs/cluster.md asks).
        Dictionary<string, string?> Settings(string worker) => new(redis.Settings(worker)) { ["URL_SIGNING_SECRET"] = "the same on every instance" };
        await using var a = await ProxyHost.StartAsync(Settings("edge-a"));
        await using var b = await ProxyHost.StartAsync(Settings("edge-b"));
        var id = await TestCluster.CreateAsync(a, new { url = origin.Url("/ch/master.m3u8"), headers = new Dictionary<string, string> { ["X-Provider-Token"] = "t1" } });

        // B serves the playlists (and owns the stream); A is asked only for the variant's segments,
        // as a balancer that hashes /hls/{variant id}/… elsewhere does: A never saw that variant.
        var master = await b.Client.GetStringAsync($"hls/{id}/playlist.m3u8?client_id=v1", Cancel);
        var media = await b.Client.GetStringAsync(HlsPlaylistText.Variants(master).Single(), Cancel);
        var uris = HlsPlaylistText.Uris(media).Take(3).ToList();
        foreach (var (uri, i) in uris.Select((u, i) => (u, i)))
        {
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(folder, $"seg_{i:000}.ts"), Cancel), await a.Client.GetByteArrayAsync(uri, Cancel));
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(folder, $"seg_{i:000}.ts"), Cancel), await b.Client.GetByteArrayAsync(uri, Cancel));
        }

        Assert.All(Enumerable.Range(0, 3), i =>
        {
            var request = Assert.Single(origin.Requests($"/ch/vod/seg_{i:000}.ts"));
            Assert.Equal("t1", request.Headers.First(h => h.Key.Equals("X-Provider-Token", StringComparison.OrdinalIgnoreCase)).Value);
        });
    }

    [Fact]
    public async Task OwnerKilled_TheInstanceWithViewersFetchesUpstreamItself()
    {
        await using var cluster = await TestCluster.StartAsync();
        var origin = cluster.Origin;
        origin.AddText("/live.m3u8", "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-MEDIA-SEQUENCE:7\n#EXTINF:6,\na.ts\n", "application/vnd.apple.mpegurl");
        await using var killed = ChildProxy.Start(cluster.Redis.Settings("edge-k").ToDictionary(p => p.Key, p => p.Value!));
        await killed.WaitUntilUpAsync();
        var id = await TestCluster.CreateAsync(cluster.B, new { url = origin.Url("/live.m3u8") });

        Assert.Equal(HttpStatusCode.OK, (await killed.Client.GetAsync($"hls/{id}/playlist.m3u8?client_id=k1", Cancel)).StatusCode); // the process owns it
        var fetched = origin.RequestCount("/live.m3u8");
        Assert.Contains("#EXT-X-MEDIA-SEQUENCE:7", await cluster.B.Client.GetStringAsync($"hls/{id}/playlist.m3u8?client_id=b1", Cancel), StringComparison.Ordinal);
        Assert.Equal(fetched, origin.RequestCount("/live.m3u8")); // B's came from the owner's cache (kept 3 s)

        await killed.KillAsync();

        // B waits out the dead owner's lease (3 s), takes it and fetches upstream: a bound of "it happens at all".
        await Eventually.HoldsAsync(
            async () =>
            {
                using var response = await cluster.B.Client.GetAsync($"hls/{id}/playlist.m3u8?client_id=b1", Cancel);
                return response.StatusCode == HttpStatusCode.OK && origin.RequestCount("/live.m3u8") > fetched;
            },
            TimeSpan.FromSeconds(15),
            "B serves the playlist from the origin itself");
        var refreshed = origin.RequestCount("/live.m3u8");
        await Task.Delay(TimeSpan.FromSeconds(3.5), Cancel); // past B's own copy (half a target duration)
        Assert.Equal(HttpStatusCode.OK, (await cluster.B.Client.GetAsync($"hls/{id}/playlist.m3u8?client_id=b1", Cancel)).StatusCode);
        Assert.True(origin.RequestCount("/live.m3u8") > refreshed, "B keeps fetching the live playlist");
    }

    [Fact]
    public async Task OwnerShutDown_TheOtherInstanceTakesTheStreamOver_ItsViewerIsNeverRefused()
    {
        await using var cluster = await TestCluster.StartAsync();
        var origin = cluster.Origin;
        var id = await LiveOwnedByAWatchedOnBAsync(cluster);
        var fetched = origin.RequestCount("/live.m3u8");

        await cluster.A.StopAsync(); // gives its lease up
        await Task.Delay(TimeSpan.FromSeconds(1.5), Cancel); // past B's copy of A's answer (a quarter of a target duration)

        using var response = await cluster.B.Client.GetAsync($"hls/{id}/playlist.m3u8?client_id=b1", Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(origin.RequestCount("/live.m3u8") > fetched, "B fetched the playlist from the origin itself");
    }

    [Fact]
    public async Task RedisDown_TheOtherInstanceStillFetchesThroughTheOwner()
    {
        await using var cluster = await TestCluster.StartAsync();
        var id = await LiveOwnedByAWatchedOnBAsync(cluster);

        cluster.Redis.Stop();
        await Eventually.HoldsAsync(async () => (bool?)(await cluster.B.GetAsync("health")).Body!["cluster"]!["redis_connected"] == false, TimeSpan.FromSeconds(15), "B says Redis is down");

        for (var refresh = 0; refresh < 3; refresh++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1.1), Cancel); // past every copy of the last answer
            Assert.Equal(HttpStatusCode.OK, (await cluster.B.Client.GetAsync($"hls/{id}/playlist.m3u8?client_id=b1", Cancel)).StatusCode);
        }

        Assert.Equal(0, cluster.B.Services.GetRequiredService<Edge.Hls.PlaylistCache>().UpstreamRequests); // every playlist came through A
    }

    [Fact]
    public async Task WithOnlyTheClusterSecretSet_APlaylistFromOneInstanceHasURLsTheOtherAccepts()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: Cancel);
        var folder = await AddMasterAsync(origin);
        await using var a = await ProxyHost.StartAsync(new Dictionary<string, string?>(redis.Settings("edge-a")) { ["CLUSTER_SECRET"] = Secret });
        await using var b = await ProxyHost.StartAsync(new Dictionary<string, string?>(redis.Settings("edge-b")) { ["CLUSTER_SECRET"] = Secret });
        var id = await TestCluster.CreateAsync(a, new { url = origin.Url("/ch/vod/index.m3u8") });

        var segment = HlsPlaylistText.Uris(await a.Client.GetStringAsync($"hls/{id}/playlist.m3u8?client_id=v1", Cancel))[0];

        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(folder, "seg_000.ts"), Cancel), await b.Client.GetByteArrayAsync(segment, Cancel));
    }

    [Fact]
    public async Task TheInternalRoutes_NeedTheClusterSecret_AndServeNoPath()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: Cancel);
        origin.AddText("/live.m3u8", "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\na.ts\n", "application/vnd.apple.mpegurl");
        await using var a = await ProxyHost.StartAsync(new Dictionary<string, string?>(redis.Settings("edge-a")) { ["CLUSTER_SECRET"] = Secret });
        var id = await TestCluster.CreateAsync(a, new { url = origin.Url("/live.m3u8") });

        foreach (var path in new[] { $"cluster/hls/{id}/playlist.m3u8", $"cluster/hls/{id}/segment.ts?url={Uri.EscapeDataString(origin.Url("/live.m3u8"))}", $"cluster/hls/{id}/index.m3u8" })
        {
            var (status, body, _) = await a.GetAsync(path);
            Assert.Equal(403, status);
            Assert.NotNull((string?)body!["detail"]);
            using var wrong = new HttpRequestMessage(HttpMethod.Get, path);
            wrong.Headers.Add("X-Cluster-Secret", "guessed");
            using var refused = await a.Client.SendAsync(wrong, Cancel);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        Assert.Equal(0, origin.RequestCount("/live.m3u8"));
        using (var member = Member($"cluster/hls/{id}/playlist.m3u8"))
        using (var answer = await a.Client.SendAsync(member, Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode); // with the secret: A fetches and owns it
            Assert.StartsWith("#EXTM3U", await answer.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        }

        foreach (var file in new[] { "..%2F..%2F..%2Fetc%2Fpasswd", "%2Fetc%2Fpasswd", "..%5C..%5Cetc%5Cpasswd", "index.m3u8%00" })
        {
            using var member = Member($"cluster/hls/{id}/{file}");
            using var answer = await a.Client.SendAsync(member, Cancel);
            Assert.InRange((int)answer.StatusCode, 400, 499);
            Assert.DoesNotContain("root:", await answer.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        }

        using var notHttp = Member($"cluster/hls/{id}/segment.ts?url={Uri.EscapeDataString("file:///etc/passwd")}");
        using var notHttpAnswer = await a.Client.SendAsync(notHttp, Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, notHttpAnswer.StatusCode);

        await using var single = await ProxyHost.StartAsync();
        Assert.Equal(403, (await single.GetAsync($"cluster/hls/{id}/playlist.m3u8")).Status);
    }

    /// <summary>A master playlist at <c>/ch/master.m3u8</c> with one VOD variant (<c>/ch/vod/</c>, segments <c>seg_NNN.ts</c>); its folder.</summary>
    private static async Task<string> AddMasterAsync(FakeOrigin origin)
    {
        var folder = await TestMedia.GetHlsFolderAsync();
        origin.AddHls("/ch/vod", folder);
        origin.AddText("/ch/master.m3u8", "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000\nvod/index.m3u8\n", "application/vnd.apple.mpegurl");
        return folder;
    }

    /// <summary>A live playlist (2 s segments) created on A and watched there first (A owns it), then on B; its id.</summary>
    private static async Task<string> LiveOwnedByAWatchedOnBAsync(TestCluster cluster)
    {
        cluster.Origin.AddText("/live.m3u8", "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:7\n#EXTINF:2,\na.ts\n", "application/vnd.apple.mpegurl");
        var id = await TestCluster.CreateAsync(cluster.A, new { url = cluster.Origin.Url("/live.m3u8") });
        Assert.Equal(HttpStatusCode.OK, (await cluster.A.Client.GetAsync($"hls/{id}/playlist.m3u8?client_id=a1", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await cluster.B.Client.GetAsync($"hls/{id}/playlist.m3u8?client_id=b1", Cancel)).StatusCode);
        return id;
    }

    /// <summary>A request with the cluster's secret, as another instance makes it.</summary>
    public static HttpRequestMessage Member(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Cluster-Secret", Secret);
        return request;
    }

    /// <summary>Plays the stream (a master with one variant, or a media playlist) on <paramref name="instance"/> as a player does; the first <paramref name="count"/> segments' bytes.</summary>
    private static async Task<byte[][]> PlayAsync(ProxyHost instance, string id, string viewer, int count)
    {
        var first = await instance.Client.GetStringAsync($"hls/{id}/playlist.m3u8?client_id={viewer}", Cancel);
        var media = HlsPlaylistText.Variants(first) is [var variant] ? await instance.Client.GetStringAsync(variant, Cancel) : first;
        var segments = new List<byte[]>();
        foreach (var segment in HlsPlaylistText.Uris(media).Take(count))
        {
            segments.Add(await instance.Client.GetByteArrayAsync(segment, Cancel));
        }

        return [.. segments];
    }
}
