using M3uProxy.Edge.Events;
using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Tests.Infrastructure;

namespace M3uProxy.Edge.Tests.Playback;

[Collection(StreamingTests.Name)]
public sealed class LiveFanOutTests
{
    private const string ChannelPath = "/live/user/pass/1234.ts";

    /// <summary>20,000 synthetic packets (3.76 MB) whose payload numbers each packet, looped by the origin.</summary>
    private static readonly byte[] _packets = TsPacketFactory.Create(20_000);

    private static async Task<FakeOrigin> StartOriginAsync(int bytesPerSecond = 400_000)
    {
        var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddLive(ChannelPath, _packets, bytesPerSecond);
        return origin;
    }

    /// <summary>Every 188th byte is a sync byte and packet numbers follow each other (modulo the loop).</summary>
    private static void AssertAlignedAndContinuous(byte[] data, bool allowSkips = false)
    {
        Assert.True(data.Length >= TsPacketFactory.PacketSize, $"only {data.Length} bytes");
        Assert.Equal(0, data.Length % TsPacketFactory.PacketSize);
        Assert.True(TsPacketFactory.IsAligned(data), "stream is not packet-aligned");
        if (allowSkips)
        {
            return;
        }

        var previous = TsPacketFactory.PacketIndexAt(data);
        for (var offset = TsPacketFactory.PacketSize; offset < data.Length; offset += TsPacketFactory.PacketSize)
        {
            var index = TsPacketFactory.PacketIndexAt(data.AsSpan(offset));
            Assert.True(index == (previous + 1) % 20_000, $"packet {previous} followed by {index} at byte {offset}");
            previous = index;
        }
    }

    [Fact]
    public async Task FiftyViewersReleasedAtOnce_ShareOneUpstreamConnection()
    {
        await using var origin = await StartOriginAsync();
        await using var proxy = await ProxyHost.StartAsync();
        var url = await proxy.StreamUrlAsync(origin.Url(ChannelPath));
        var clients = Enumerable.Range(0, 60).Select(i => new MediaClient($"Player/{i}")).ToList();
        try
        {
            // An async gate (not a blocking Barrier, which would starve the thread pool) releases all at once.
            var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var viewers = clients.Select(async client =>
            {
                await go.Task;
                using var response = await client.OpenAsync(url, cancellationToken: TestContext.Current.CancellationToken);
                Assert.Equal(200, (int)response.StatusCode);
                return await MediaClient.ReadAtLeastAsync(response, 188 * 200, TimeSpan.FromSeconds(20));
            }).ToList();

            go.SetResult();
            var received = await Task.WhenAll(viewers);

            Assert.All(received, data => AssertAlignedAndContinuous(data));
            Assert.Equal(1, origin.TcpConnectionsAccepted);
            Assert.Equal(1, origin.RequestCount(ChannelPath));
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task Viewer_GetsLiveHeaders_AndUpstreamNeverSeesRange()
    {
        await using var origin = await StartOriginAsync();
        await using var proxy = await ProxyHost.StartAsync();
        var url = await proxy.StreamUrlAsync(origin.Url(ChannelPath));
        using var client = new MediaClient();

        using var response = await client.OpenAsync(url, "bytes=0-", TestContext.Current.CancellationToken);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("video/mp2t", response.Content.Headers.ContentType?.MediaType);
        Assert.Null(response.Content.Headers.ContentLength);
        Assert.Equal("none", response.Headers.AcceptRanges.Single());
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.True(response.Headers.CacheControl?.NoStore);
        AssertAlignedAndContinuous(await MediaClient.ReadAtLeastAsync(response, 188 * 100, TimeSpan.FromSeconds(10)));
        Assert.False(origin.Requests(ChannelPath).Single().Headers.ContainsKey("Range"));
    }

    [Fact]
    public async Task LateJoiner_StartsOnAPacketBoundary_AtAPat_WithABurst()
    {
        await using var origin = await StartOriginAsync();
        await using var proxy = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["LIVE_JOIN_BURST_BYTES"] = "200000" });
        var url = await proxy.StreamUrlAsync(origin.Url(ChannelPath));
        using var first = new MediaClient("first");
        using var late = new MediaClient("late");

        using var firstResponse = await first.OpenAsync(url, cancellationToken: TestContext.Current.CancellationToken);
        var firstTask = MediaClient.ReadAtLeastAsync(firstResponse, 188 * 2000, TimeSpan.FromSeconds(10));
        await Task.Delay(700, TestContext.Current.CancellationToken);
        using var lateResponse = await late.OpenAsync(url, cancellationToken: TestContext.Current.CancellationToken);
        var started = DateTime.UtcNow;
        var burst = await MediaClient.ReadAtLeastAsync(lateResponse, 188 * 800, TimeSpan.FromSeconds(10));

        AssertAlignedAndContinuous(burst);
        Assert.Equal(TsPacketFactory.PatPid, TsPacketFactory.PidOf(burst));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(0.3), "the burst should arrive at once, not at the channel's rate");
        AssertAlignedAndContinuous(await firstTask);
        Assert.Equal(1, origin.TcpConnectionsAccepted);
    }

    [Fact]
    public async Task LastViewerLeaving_ClosesUpstreamWithinOneSecond_WithOneStop()
    {
        await using var origin = await StartOriginAsync();
        await using var proxy = await ProxyHost.StartAsync();
        var url = await proxy.StreamUrlAsync(origin.Url(ChannelPath), new { metadata = new { provider_profile_id = 3 } });
        using var client = new MediaClient("TiviMate/5");

        using (var response = await client.OpenAsync(url, cancellationToken: TestContext.Current.CancellationToken))
        {
            await MediaClient.ReadAtLeastAsync(response, 188 * 100, TimeSpan.FromSeconds(10));
            Assert.Equal(1, origin.OpenConnections);
            var (_, stats, _) = await proxy.GetAsync("clients");
            Assert.Equal(1, (int?)stats!["total_clients"]);
            Assert.Equal("TiviMate/5", (string?)stats["clients"]![0]!["user_agent"]);
        }

        var left = DateTime.UtcNow;
        await origin.WaitForOpenConnectionsAsync(0, TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);
        Assert.True(DateTime.UtcNow - left < TimeSpan.FromSeconds(1.5), $"upstream closed after {(DateTime.UtcNow - left).TotalMilliseconds} ms");

        await WaitForAsync(() => proxy.EventsOf(EventType.StreamStopped).Count == 1);
        var stop = Assert.Single(proxy.EventsOf(EventType.StreamStopped));
        Assert.Equal("last_client_disconnected", (string?)stop.Data["reason"]);
        Assert.Equal("3", (string?)stop.Data["metadata"]!["provider_profile_id"]);
        Assert.Single(proxy.EventsOf(EventType.ClientConnected));
        var disconnected = Assert.Single(proxy.EventsOf(EventType.ClientDisconnected));
        Assert.True((long?)disconnected.Data["bytes_served"] >= 188 * 100);
        var (_, streamStats, _) = await proxy.GetAsync("stats");
        Assert.True((long?)streamStats!["total_bytes_served"] >= 188 * 100);
        Assert.Equal(0, (int?)streamStats["active_clients"]);
    }

    [Fact]
    public async Task StalledReader_DoesNotSlowTheOthers_AndIsDroppedAfterTheWriteTimeout()
    {
        await using var origin = await StartOriginAsync(bytesPerSecond: 1_500_000);
        await using var proxy = await ProxyHost.StartAsync(new Dictionary<string, string?>
        {
            ["LIVE_BUFFER_BYTES"] = "262144",
            ["VIEWER_WRITE_TIMEOUT"] = "1",
        });
        var url = await proxy.StreamUrlAsync(origin.Url(ChannelPath));
        using var stalled = await MediaClient.OpenStalledAsync(new Uri(url));
        await Task.Delay(300, TestContext.Current.CancellationToken);
        using var client = new MediaClient("healthy");

        using var response = await client.OpenAsync(url, cancellationToken: TestContext.Current.CancellationToken);
        var started = DateTime.UtcNow;
        var data = await MediaClient.ReadAtLeastAsync(response, 3_000_000, TimeSpan.FromSeconds(10));
        var seconds = (DateTime.UtcNow - started).TotalSeconds;

        Assert.Equal(3_000_000 - (3_000_000 % 188), data.Length - (data.Length % 188));
        Assert.True(seconds < 4, $"a healthy viewer took {seconds:0.0} s for 2 s of stream");
        Assert.True(TsPacketFactory.IsAligned(data.AsSpan(0, data.Length / 188 * 188)));
        await WaitForAsync(() => proxy.EventsOf(EventType.ClientDisconnected).Any(e => (string?)e.Data["client_id"] is { } id && proxy.Events.Any(c => c.Type == EventType.ClientConnected && (string?)c.Data["user_agent"] == "stalled-player" && (string?)c.Data["client_id"] == id)));
    }

    [Fact]
    public async Task SlowReader_IsSkippedForward_OnPacketBoundaries()
    {
        await using var origin = await StartOriginAsync(bytesPerSecond: 4_000_000);
        await using var proxy = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["LIVE_BUFFER_BYTES"] = "1048576", ["LIVE_JOIN_BURST_BYTES"] = "0" });
        var url = await proxy.StreamUrlAsync(origin.Url(ChannelPath));
        using var fast = new MediaClient("fast");
        using var slow = new MediaClient("slow", receiveBufferSize: 8192);
        using var fastResponse = await fast.OpenAsync(url, cancellationToken: TestContext.Current.CancellationToken);
        var fastTask = MediaClient.ReadAtLeastAsync(fastResponse, 188 * 150_000, TimeSpan.FromSeconds(20));
        using var slowResponse = await slow.OpenAsync(url, cancellationToken: TestContext.Current.CancellationToken);

        // The slow player reads 188 kB every 200 ms, under a quarter of the channel's rate, for 6 s:
        // more than the socket buffers between it and the proxy can hide, so it must fall a buffer
        // behind, while the fast one stays the leader even on a loaded machine.
        var body = await slowResponse.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);
        var received = new MemoryStream();
        var chunk = new byte[188 * 1000];
        for (var i = 0; i < 30; i++)
        {
            await body.ReadExactlyAsync(chunk, TestContext.Current.CancellationToken);
            received.Write(chunk);
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        var slowData = received.ToArray();
        AssertAlignedAndContinuous(slowData, allowSkips: true);
        var indices = Enumerable.Range(0, slowData.Length / 188).Select(i => TsPacketFactory.PacketIndexAt(slowData.AsSpan(i * 188))).ToList();
        Assert.Contains(indices.Zip(indices.Skip(1)), pair => pair.Second != (pair.First + 1) % 20_000);
        AssertAlignedAndContinuous(await fastTask);
    }

    [Fact]
    public async Task SingleViewerOfAFiniteTsFile_GetsEveryByteExactly()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        var file = TsPacketFactory.Create(60_000);
        origin.AddFile("/live/recording.ts", file, "video/mp2t");
        await using var proxy = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["LIVE_BUFFER_BYTES"] = "262144" });
        var url = await proxy.StreamUrlAsync(origin.Url("/live/recording.ts"));
        using var client = new MediaClient();

        var body = await client.ReadAllAsync(url);

        Assert.Equal(file.Length, body.Length);
        Assert.Equal(file, body);
    }

    [Fact]
    public async Task UpstreamStartingMidPacket_IsAlignedBeforeTheFirstByte()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        var file = TsPacketFactory.Create(5_000);
        origin.AddFile("/live/cut.ts", file[100..], "video/mp2t");
        await using var proxy = await ProxyHost.StartAsync();
        var url = await proxy.StreamUrlAsync(origin.Url("/live/cut.ts"));
        using var client = new MediaClient();

        var body = await client.ReadAllAsync(url);

        Assert.Equal(file[188..], body);
    }

    [Fact]
    public async Task DeletingTheStream_EndsViewers_AndClosesTheUpstream()
    {
        await using var origin = await StartOriginAsync();
        await using var proxy = await ProxyHost.StartAsync();
        var url = await proxy.StreamUrlAsync(origin.Url(ChannelPath));
        using var client = new MediaClient();
        using var response = await client.OpenAsync(url, cancellationToken: TestContext.Current.CancellationToken);
        await MediaClient.ReadAtLeastAsync(response, 188 * 10, TimeSpan.FromSeconds(10));

        var id = url[(url.LastIndexOf('/') + 1)..];
        Assert.Equal(200, (await proxy.SendAsync(HttpMethod.Delete, "streams/" + id)).Status);

        var rest = await MediaClient.ReadAtLeastAsync(response, 50_000_000, TimeSpan.FromSeconds(5));
        Assert.True(rest.Length < 50_000_000);
        await origin.WaitForOpenConnectionsAsync(0, TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        var stop = Assert.Single(proxy.EventsOf(EventType.StreamStopped));
        Assert.Equal("manual_deletion", (string?)stop.Data["reason"]);
    }

    [Fact]
    public async Task Head_OnLive_IsAnsweredLocally()
    {
        await using var origin = await StartOriginAsync();
        await using var proxy = await ProxyHost.StartAsync();
        var url = await proxy.StreamUrlAsync(origin.Url(ChannelPath));
        using var client = new MediaClient();

        using var response = await client.HeadAsync(url);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("video/mp2t", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("none", response.Headers.AcceptRanges.Single());
        Assert.Equal(0, origin.TcpConnectionsAccepted);
    }

    [Fact]
    public async Task UpstreamFailingBeforeTheFirstByte_Is502_AndReleasesTheClient()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddLive(ChannelPath, _packets, 400_000, behavior: new OriginBehavior { StatusCode = 503 });
        await using var proxy = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["STREAM_RETRY_ATTEMPTS"] = "0" });
        var url = await proxy.StreamUrlAsync(origin.Url(ChannelPath));
        using var client = new MediaClient();

        using var response = await client.OpenAsync(url, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(502, (int)response.StatusCode);
        Assert.Contains("503", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        await WaitForAsync(() => proxy.Lifecycle.Clients.Count == 0);
        var (_, stream, _) = await proxy.GetAsync("streams/" + url[(url.LastIndexOf('/') + 1)..]);
        Assert.Equal(1, (int?)stream!["stream"]!["error_count"]);
    }

    [Fact]
    public async Task FfmpegDecodesALiveChannelThroughTheProxy_WithoutErrors()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        var media = await File.ReadAllBytesAsync(await TestMedia.GetTsFileAsync(), TestContext.Current.CancellationToken);
        origin.AddLive(ChannelPath, media, bytesPerSecond: media.Length / 5);
        await using var proxy = await ProxyHost.StartAsync();
        var url = await proxy.StreamUrlAsync(origin.Url(ChannelPath));

        // Two decoders on one channel: one upstream, both clean.
        var first = TestMedia.RunFfmpegAsync(["-v", "error", "-xerror", "-i", url, "-t", "3", "-f", "null", "-"], TestContext.Current.CancellationToken);
        var second = TestMedia.RunFfmpegAsync(["-v", "error", "-xerror", "-i", url, "-t", "3", "-f", "null", "-"], TestContext.Current.CancellationToken);
        await Task.WhenAll(first, second);

        Assert.Equal(1, origin.TcpConnectionsAccepted);
    }

    [Fact]
    public async Task UrlQueryParameter_NeedsTheApiToken()
    {
        await using var origin = await StartOriginAsync();
        await using var proxy = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["API_TOKEN"] = "secret" });
        using var client = new MediaClient();
        var target = Uri.EscapeDataString(origin.Url(ChannelPath));

        using var anonymous = await client.OpenAsync(new Uri(proxy.BaseAddress, $"stream/x?url={target}").ToString(), cancellationToken: TestContext.Current.CancellationToken);
        using var fileUrl = await client.OpenAsync(new Uri(proxy.BaseAddress, "stream/x?url=file%3A%2F%2F%2Fetc%2Fpasswd&api_token=secret").ToString(), cancellationToken: TestContext.Current.CancellationToken);
        using var allowed = await client.OpenAsync(new Uri(proxy.BaseAddress, $"stream/x?url={target}&api_token=secret").ToString(), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(403, (int)anonymous.StatusCode);
        Assert.Equal(400, (int)fileUrl.StatusCode);
        Assert.Equal(200, (int)allowed.StatusCode);
        AssertAlignedAndContinuous(await MediaClient.ReadAtLeastAsync(allowed, 188 * 20, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task GracePeriod_KeepsUpstreamOpen_UntilTheViewerZapsToAnotherChannel()
    {
        await using var origin = await StartOriginAsync();
        origin.AddLive("/live/user/pass/5678.ts", _packets, 400_000);
        await using var proxy = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["LIVE_LAST_VIEWER_GRACE"] = "30" });
        var first = await proxy.StreamUrlAsync(origin.Url(ChannelPath));
        var second = await proxy.StreamUrlAsync(origin.Url("/live/user/pass/5678.ts"));
        using var client = new MediaClient("Kodi/21");

        using (var response = await client.OpenAsync(first, cancellationToken: TestContext.Current.CancellationToken))
        {
            await MediaClient.ReadAtLeastAsync(response, 188 * 10, TimeSpan.FromSeconds(10));
        }

        await Task.Delay(1500, TestContext.Current.CancellationToken);
        Assert.Equal(1, origin.OpenConnections); // still open: the grace period runs

        using var zapped = await client.OpenAsync(second, cancellationToken: TestContext.Current.CancellationToken);
        await MediaClient.ReadAtLeastAsync(zapped, 188 * 10, TimeSpan.FromSeconds(10));
        await origin.WaitForOpenConnectionsAsync(1, TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        Assert.Equal(2, origin.TcpConnectionsAccepted);
    }

    [Fact]
    public async Task ClientIdentity_ComesFromForwardedForUserAgentAndUsername()
    {
        await using var origin = await StartOriginAsync();
        await using var proxy = await ProxyHost.StartAsync();
        var url = await proxy.StreamUrlAsync(origin.Url(ChannelPath));
        var streamId = url[(url.LastIndexOf('/') + 1)..];
        using var client = new MediaClient("VLC/3.0.20 LibVLC/3.0.20");
        using var request = new HttpRequestMessage(HttpMethod.Get, url + "?username=alice");
        request.Headers.Add("X-Forwarded-For", " 203.0.113.7 , 10.0.0.1");
        using var http = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 });
        http.DefaultRequestHeaders.UserAgent.ParseAdd("VLC/3.0.20 LibVLC/3.0.20");
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        await MediaClient.ReadAtLeastAsync(response, 188 * 10, TimeSpan.FromSeconds(10));

        var (_, clients, _) = await proxy.GetAsync("clients");
        var seen = clients!["clients"]!.AsArray().Single()!;
        Assert.Equal("203.0.113.7", (string?)seen["ip_address"]);
        Assert.Equal("alice", (string?)seen["username"]);
        Assert.Equal(M3uProxy.Edge.Streams.StreamIds.DeriveClientId("203.0.113.7", "VLC/3.0.20 LibVLC/3.0.20", streamId, "alice"), (string?)seen["client_id"]);
        Assert.Equal(streamId, (string?)seen["stream_id"]);
    }

    [Fact]
    public async Task PeerAddress_IsShownAsPlainIpv4()
    {
        await using var origin = await StartOriginAsync();
        await using var proxy = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["HOST"] = "::" });
        var url = await proxy.StreamUrlAsync(origin.Url(ChannelPath));
        using var client = new MediaClient();
        using var response = await client.OpenAsync(url, cancellationToken: TestContext.Current.CancellationToken);
        await MediaClient.ReadAtLeastAsync(response, 188 * 10, TimeSpan.FromSeconds(10));

        var (_, clients, _) = await proxy.GetAsync("clients");
        Assert.Equal("127.0.0.1", (string?)clients!["clients"]![0]!["ip_address"]);
    }

    [Fact]
    public async Task HlsSourceThroughStreamRoute_IsPassedThroughRaw()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        const string playlist = "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\nseg1.ts\n#EXT-X-ENDLIST\n";
        origin.AddText("/vod/episode.m3u8", playlist, "application/vnd.apple.mpegurl");
        await using var proxy = await ProxyHost.StartAsync();
        var url = await proxy.StreamUrlAsync(origin.Url("/vod/episode.m3u8"));
        using var client = new MediaClient();

        using var response = await client.OpenAsync(url, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("application/vnd.apple.mpegurl", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(playlist, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task UnknownStream_Is404()
    {
        await using var proxy = await ProxyHost.StartAsync();
        using var client = new MediaClient();
        using var response = await client.OpenAsync(new Uri(proxy.BaseAddress, "stream/0123456789abcdef0123456789abcdef").ToString(), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(404, (int)response.StatusCode);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 10 s");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
