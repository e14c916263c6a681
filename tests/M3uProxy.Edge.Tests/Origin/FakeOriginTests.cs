using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using M3uProxy.Edge.Testing;

namespace M3uProxy.Edge.Tests.Origin;

public sealed class FakeOriginTests
{
    private const int TestTimeout = 15_000;
    private static readonly byte[] _file = TsPacketFactory.Create(1000); // 188_000 bytes

    [Fact(Timeout = TestTimeout)]
    public async Task File_WithoutRange_Is200_WithLengthAndAcceptRanges()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddFile("/movie.ts", _file, "video/mp2t");
        using var client = CreateClient(origin);

        using var response = await client.GetAsync("movie.ts", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(_file.Length, response.Content.Headers.ContentLength);
        Assert.Equal("bytes", Assert.Single(response.Headers.AcceptRanges));
        Assert.Equal("video/mp2t", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(_file, await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        Assert.Equal(_file.Length, origin.BytesSent("/movie.ts"));
    }

    [Theory(Timeout = TestTimeout)]
    [InlineData("bytes=0-99", 0, 99)]
    [InlineData("bytes=1000-1187", 1000, 1187)]
    [InlineData("bytes=187000-", 187_000, 187_999)]
    [InlineData("bytes=-500", 187_500, 187_999)]
    [InlineData("bytes=187990-999999", 187_990, 187_999)]
    public async Task File_SingleRange_Is206_WithExactBytesAndContentRange(string range, long first, long last)
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddFile("/movie.ts", _file, "video/mp2t");
        using var client = CreateClient(origin);
        using var request = new HttpRequestMessage(HttpMethod.Get, "movie.ts");
        request.Headers.TryAddWithoutValidation("Range", range);

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal($"bytes {first}-{last}/{_file.Length}", response.Content.Headers.ContentRange?.ToString());
        Assert.Equal(last - first + 1, response.Content.Headers.ContentLength);
        Assert.Equal(_file[(int)first..(int)(last + 1)], await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
    }

    [Theory(Timeout = TestTimeout)]
    [InlineData("bytes=188000-")]
    [InlineData("bytes=500000-600000")]
    [InlineData("bytes=-0")]
    public async Task File_UnsatisfiableRange_Is416_WithStarContentRange(string range)
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddFile("/movie.ts", _file, "video/mp2t");
        using var client = CreateClient(origin);
        using var request = new HttpRequestMessage(HttpMethod.Get, "movie.ts");
        request.Headers.TryAddWithoutValidation("Range", range);

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, response.StatusCode);
        Assert.Equal($"bytes */{_file.Length}", response.Content.Headers.ContentRange?.ToString());
    }

    [Fact(Timeout = TestTimeout)]
    public async Task File_Head_SendsHeadersOnly()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddFile("/movie.ts", _file, "video/mp2t");
        using var client = CreateClient(origin);

        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "movie.ts"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(_file.Length, response.Content.Headers.ContentLength);
        Assert.Equal(0, origin.BytesSent("/movie.ts"));
        Assert.Equal("HEAD", Assert.Single(origin.Requests("/movie.ts")).Method);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Connections_AreCountedPerTcpConnection_NotPerRequest()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddText("/a.txt", "hello", "text/plain");
        var first = CreateClient(origin);
        var second = CreateClient(origin);

        Assert.Equal("hello", await first.GetStringAsync("a.txt", TestContext.Current.CancellationToken));
        Assert.Equal("hello", await first.GetStringAsync("a.txt", TestContext.Current.CancellationToken));
        Assert.Equal(1, origin.TcpConnectionsAccepted);
        Assert.Equal(2, origin.RequestCount("/a.txt"));
        Assert.Single(origin.Requests("/a.txt").Select(r => r.ConnectionId).Distinct());

        Assert.Equal("hello", await second.GetStringAsync("a.txt", TestContext.Current.CancellationToken));
        Assert.Equal(2, origin.TcpConnectionsAccepted);
        Assert.Equal(2, origin.OpenConnections);

        first.Dispose();
        second.Dispose();
        await origin.WaitForOpenConnectionsAsync(0, TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        Assert.Equal(2, origin.TcpConnectionsAccepted);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Requests_AreRecorded_WithQueryAndHeaders_AndUnknownPathsAre404()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddText("/live/playlist.m3u8", "#EXTM3U\n", "application/vnd.apple.mpegurl");
        using var client = CreateClient(origin);
        using var request = new HttpRequestMessage(HttpMethod.Get, "live/playlist.m3u8?token=abc&x=1");
        request.Headers.TryAddWithoutValidation("User-Agent", "VLC/3.0.20");
        request.Headers.TryAddWithoutValidation("Referer", "https://portal.example.com/");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        using var missing = await client.GetAsync("nope.ts", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var recorded = Assert.Single(origin.Requests("/live/playlist.m3u8"));
        Assert.Equal("GET", recorded.Method);
        Assert.Equal("/live/playlist.m3u8", recorded.Path);
        Assert.Equal("?token=abc&x=1", recorded.QueryString);
        Assert.Equal("VLC/3.0.20", recorded.Headers["user-agent"]);
        Assert.Equal("https://portal.example.com/", recorded.Headers["Referer"]);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(1, origin.RequestCount("/nope.ts"));
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Live_IsPacedRoughlyToTheRate_AndDeliversContiguousWholePackets()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddLive("/live.ts", TsPacketFactory.Create(500), bytesPerSecond: 188_000);
        using var client = CreateClient(origin);
        using var response = await client.GetAsync("live.ts", HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        Assert.Null(response.Content.Headers.ContentLength);
        Assert.True(response.Headers.TransferEncodingChunked);
        await using var stream = await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);

        var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(1))
        {
            var read = await stream.ReadAsync(buffer, TestContext.Current.CancellationToken);
            Assert.NotEqual(0, read);
            received.Write(buffer, 0, read);
        }

        Assert.InRange(received.Length, 100_000, 400_000);
        var data = received.ToArray().AsSpan(0, (int)(received.Length / 188 * 188));
        Assert.True(TsPacketFactory.IsAligned(data));
        for (var i = 0; i < data.Length / 188; i++)
        {
            Assert.Equal(i % 500, TsPacketFactory.PacketIndexAt(data.Slice(i * 188, 188)));
        }
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Live_ClientLeaving_ClosesTheUpstreamConnection()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddLive("/live.ts", TsPacketFactory.Create(100), bytesPerSecond: 0);
        var client = CreateClient(origin);
        var response = await client.GetAsync("live.ts", HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        var stream = await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);
        await stream.ReadExactlyAsync(new byte[100_000], TestContext.Current.CancellationToken);
        Assert.Equal(1, origin.OpenConnections);

        await stream.DisposeAsync();
        response.Dispose();
        client.Dispose();

        await origin.WaitForOpenConnectionsAsync(0, TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        Assert.True(origin.BytesSent("/live.ts") >= 100_000);
    }

    [Theory(Timeout = TestTimeout)]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public async Task DropAfterBytes_DeliversExactlyThatMany_ThenEndsWithoutReset(bool live, bool https)
    {
        await using var origin = await FakeOrigin.StartAsync(https, TestContext.Current.CancellationToken);
        var behavior = new OriginBehavior { DropAfterBytes = 18_800 };
        AddFileOrLive(origin, live, behavior);
        using var client = CreateClient(origin);

        var (data, error) = await ReadToEndAsync(client, "media.ts");

        Assert.Equal(18_800, data.Length);
        Assert.Equal(_file[..18_800], data);
        Assert.False(IsConnectionReset(error), error.ToString());
        Assert.IsType<HttpIOException>(error, exactMatch: false);
        await origin.WaitForOpenConnectionsAsync(0, TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
    }

    [Theory(Timeout = TestTimeout)]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public async Task ResetAfterBytes_DeliversThatMany_ThenConnectionReset(bool live, bool https)
    {
        await using var origin = await FakeOrigin.StartAsync(https, TestContext.Current.CancellationToken);
        AddFileOrLive(origin, live, new OriginBehavior { ResetAfterBytes = 18_800 });
        using var client = CreateClient(origin);

        var (data, error) = await ReadToEndAsync(client, "media.ts");

        Assert.Equal(18_800, data.Length);
        Assert.True(IsConnectionReset(error), error.ToString());
        await origin.WaitForOpenConnectionsAsync(0, TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task StallAfterBytes_KeepsTheConnectionOpenAndSilent_UntilLifted()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddLive("/live.ts", _file, bytesPerSecond: 0, behavior: new OriginBehavior { StallAfterBytes = 18_800 });
        using var client = CreateClient(origin);
        using var response = await client.GetAsync("live.ts", HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);
        var head = new byte[18_800];
        await stream.ReadExactlyAsync(head, TestContext.Current.CancellationToken);

        var next = stream.ReadAsync(new byte[1024], TestContext.Current.CancellationToken).AsTask();
        await Task.Delay(500, TestContext.Current.CancellationToken);
        Assert.False(next.IsCompleted);
        Assert.Equal(1, origin.OpenConnections);
        Assert.Equal(18_800, origin.BytesSent("/live.ts"));

        origin.SetBehavior("/live.ts", OriginBehavior.Healthy);
        Assert.True(await next.WaitAsync(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken) > 0);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task SetBehavior_MidStream_DropsAHealthyLiveStream()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddLive("/live.ts", _file, bytesPerSecond: 500_000);
        using var client = CreateClient(origin);
        var response = await client.GetAsync("live.ts", HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        var stream = await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);
        await stream.ReadExactlyAsync(new byte[50_000], TestContext.Current.CancellationToken);

        origin.SetBehavior("/live.ts", new OriginBehavior { DropAfterBytes = 0 });

        await Assert.ThrowsAnyAsync<IOException>(async () =>
        {
            var buffer = new byte[16 * 1024];
            while (await stream.ReadAsync(buffer, TestContext.Current.CancellationToken) > 0)
            {
            }
        });
        await stream.DisposeAsync();
        response.Dispose();
        await origin.WaitForOpenConnectionsAsync(0, TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task StatusCode_AndFailNextRequests_AnswerErrorsThenRecover()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddText("/ok.txt", "fine", "text/plain");
        origin.AddText("/gone.txt", "never", "text/plain", new OriginBehavior { StatusCode = 404 });
        using var client = CreateClient(origin);
        origin.FailNextRequests("/ok.txt", 2, 503);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await client.GetAsync("ok.txt", TestContext.Current.CancellationToken);
            statuses.Add(response.StatusCode);
        }

        using var gone = await client.GetAsync("gone.txt", TestContext.Current.CancellationToken);

        Assert.Equal([HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK], statuses);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.DoesNotContain("never", await gone.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task DelayBeforeHeaders_HoldsTheResponse()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddText("/slow.txt", "slow", "text/plain", new OriginBehavior { DelayBeforeHeaders = TimeSpan.FromMilliseconds(300) });
        using var client = CreateClient(origin);

        var clock = Stopwatch.StartNew();
        Assert.Equal("slow", await client.GetStringAsync("slow.txt", TestContext.Current.CancellationToken));

        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(280), clock.Elapsed.ToString());
    }

    [Fact(Timeout = TestTimeout)]
    public async Task RedirectTo_Answers302ToThePathOnTheSameOrigin()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddText("/old.m3u8", "unused", "application/vnd.apple.mpegurl", new OriginBehavior { RedirectTo = "/new.m3u8?k=1" });
        origin.AddText("/new.m3u8", "#EXTM3U\n", "application/vnd.apple.mpegurl");
        using var manual = CreateClient(origin, allowRedirects: false);
        using var following = CreateClient(origin);

        using var redirect = await manual.GetAsync("old.m3u8", TestContext.Current.CancellationToken);
        var body = await following.GetStringAsync("old.m3u8", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Found, redirect.StatusCode);
        Assert.Equal(new Uri(origin.Url("/new.m3u8?k=1")), redirect.Headers.Location);
        Assert.Equal("#EXTM3U\n", body);
        Assert.Equal("?k=1", Assert.Single(origin.Requests("/new.m3u8")).QueryString);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task RequiredHeaders_MissingOrWrongIs403()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        var behavior = new OriginBehavior { RequiredHeaders = new Dictionary<string, string> { ["User-Agent"] = "VLC/3.0.20", ["Referer"] = "https://portal.example.com/" } };
        origin.AddText("/guarded.m3u8", "#EXTM3U\n", "application/vnd.apple.mpegurl", behavior);
        using var client = CreateClient(origin);

        async Task<HttpStatusCode> StatusWith(string? userAgent, string? referer)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "guarded.m3u8");
            if (userAgent is not null)
            {
                request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
            }

            if (referer is not null)
            {
                request.Headers.TryAddWithoutValidation("Referer", referer);
            }

            using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.Forbidden, await StatusWith(null, null));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusWith("VLC/3.0.20", null));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusWith("curl/8", "https://portal.example.com/"));
        Assert.Equal(HttpStatusCode.OK, await StatusWith("VLC/3.0.20", "https://portal.example.com/"));
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Https_ServesWithTheExposedSelfSignedCertificate()
    {
        await using var origin = await FakeOrigin.StartAsync(https: true, TestContext.Current.CancellationToken);
        origin.AddFile("/movie.ts", _file, "video/mp2t");
        var thumbprint = origin.Certificate!.Thumbprint;
        using var trusting = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == thumbprint },
        });
        using var strict = new HttpClient(new SocketsHttpHandler());

        Assert.Equal(Uri.UriSchemeHttps, origin.BaseAddress.Scheme);
        Assert.Equal(_file, await trusting.GetByteArrayAsync(origin.Url("/movie.ts"), TestContext.Current.CancellationToken));
        var rejected = await Assert.ThrowsAsync<HttpRequestException>(() => strict.GetAsync(origin.Url("/movie.ts"), TestContext.Current.CancellationToken));
        Assert.IsType<AuthenticationException>(rejected.InnerException);
        Assert.Equal(2, origin.TcpConnectionsAccepted);
        Assert.Equal(1, origin.RequestCount("/movie.ts"));
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Dispose_EndsLiveAndStalledResponsesPromptly()
    {
        var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddLive("/live.ts", _file, bytesPerSecond: 100_000);
        origin.AddLive("/stalled.ts", _file, bytesPerSecond: 0, behavior: new OriginBehavior { StallAfterBytes = 0 });
        using var client = CreateClient(origin);
        using var live = await client.GetAsync("live.ts", HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        using var stalled = await client.GetAsync("stalled.ts", HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        var liveDrain = DrainAsync(await live.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
        var stalledDrain = DrainAsync(await stalled.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));

        var clock = Stopwatch.StartNew();
        await origin.DisposeAsync();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), clock.Elapsed.ToString());
        await liveDrain.WaitAsync(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        await stalledDrain.WaitAsync(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        Assert.Equal(0, origin.OpenConnections);
    }

    [Fact(Timeout = 120_000)]
    public async Task Hls_FromTestMedia_IsServedAndProbedByFfprobe()
    {
        var folder = await TestMedia.GetHlsFolderAsync();
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddHls("/vod", folder);
        using var client = CreateClient(origin);

        using var playlist = await client.GetAsync("vod/index.m3u8", TestContext.Current.CancellationToken);
        using var segment = await client.GetAsync("vod/seg_000.ts", TestContext.Current.CancellationToken);
        var probe = await Ffprobe.ShowStreamsAsync(origin.Url("/vod/index.m3u8"), TestContext.Current.CancellationToken);

        Assert.Equal("application/vnd.apple.mpegurl", playlist.Content.Headers.ContentType?.MediaType);
        Assert.Equal("video/mp2t", segment.Content.Headers.ContentType?.MediaType);
        Assert.True(TsPacketFactory.IsAligned(await segment.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken)));
        Assert.True(probe.ExitCode == 0, probe.StandardError);
        Assert.Contains("codec_type=video", probe.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("codec_type=audio", probe.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(2, origin.RequestCount("/vod/index.m3u8"));
    }

    /// <summary>A client for the origin that trusts exactly its certificate when it serves HTTPS.</summary>
    private static HttpClient CreateClient(FakeOrigin origin, bool allowRedirects = true)
    {
        var handler = new SocketsHttpHandler { AllowAutoRedirect = allowRedirects };
        if (origin.Certificate is { } trusted)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == trusted.Thumbprint;
        }

        return new HttpClient(handler) { BaseAddress = origin.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
    }

    private static void AddFileOrLive(FakeOrigin origin, bool live, OriginBehavior behavior)
    {
        if (live)
        {
            origin.AddLive("/media.ts", _file, bytesPerSecond: 0, behavior: behavior);
        }
        else
        {
            origin.AddFile("/media.ts", _file, "video/mp2t", behavior);
        }
    }

    /// <summary>Reads a response body to its end, returning what arrived and how it ended.</summary>
    private static async Task<(byte[] Data, Exception Error)> ReadToEndAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);
        var received = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, TestContext.Current.CancellationToken)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (IOException e)
        {
            return (received.ToArray(), e);
        }

        throw new InvalidOperationException($"The body ended cleanly after {received.Length} bytes.");
    }

    private static async Task DrainAsync(Stream stream)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (await stream.ReadAsync(buffer, TestContext.Current.CancellationToken) > 0)
            {
            }
        }
        catch (IOException)
        {
            // The origin died under us: that is the point.
        }
    }

    private static bool IsConnectionReset(Exception? error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is SocketException { SocketErrorCode: SocketError.ConnectionReset })
            {
                return true;
            }
        }

        return false;
    }
}
