using System.Security.Cryptography;
using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Tests.Infrastructure;

namespace M3uProxy.Edge.Tests.Playback;

[Collection(StreamingTests.Name)]
public sealed class VodTests
{
    private const string MoviePath = "/movie/user/pass/42.mp4";

    private static byte[] RandomFile(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public async Task WholeFile_IsByteIdentical_WithLengthTypeAndRangesAdvertised()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        var file = RandomFile(3_000_000);
        origin.AddFile(MoviePath, file, "video/mp4");
        await using var proxy = await ProxyHost.StartAsync();
        var url = await proxy.StreamUrlAsync(origin.Url(MoviePath));
        using var client = new MediaClient("Kodi/21");

        using var response = await client.OpenAsync(url, cancellationToken: TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(file.Length, response.Content.Headers.ContentLength);
        Assert.Equal("video/mp4", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("bytes", response.Headers.AcceptRanges.Single());
        Assert.Equal(SHA256.HashData(file), SHA256.HashData(body));
        Assert.Equal(1, origin.RequestCount(MoviePath));
    }

    [Theory]
    [InlineData("bytes=100-199", 100, 199)]
    [InlineData("bytes=2999000-", 2_999_000, 2_999_999)]
    [InlineData("bytes=-500", 2_999_500, 2_999_999)]
    [InlineData("bytes=0-0", 0, 0)]
    public async Task Range_PassesThrough_As206WithExactContentRange(string range, int first, int last)
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        var file = RandomFile(3_000_000);
        origin.AddFile(MoviePath, file, "video/mp4");
        await using var proxy = await ProxyHost.StartAsync();
        var url = await proxy.StreamUrlAsync(origin.Url(MoviePath));
        using var client = new MediaClient();

        using var response = await client.OpenAsync(url, range, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);

        Assert.Equal(206, (int)response.StatusCode);
        Assert.Equal($"bytes {first}-{last}/{file.Length}", response.Content.Headers.ContentRange?.ToString());
        Assert.Equal(last - first + 1, response.Content.Headers.ContentLength);
        Assert.Equal(file.AsSpan(first, last - first + 1).ToArray(), body);
        Assert.Equal(range, origin.Requests(MoviePath).Single().Headers["Range"]);
    }

    [Fact]
    public async Task UnsatisfiableRange_Is416Promptly_WithOneUpstreamRequest()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddFile(MoviePath, RandomFile(1000), "video/mp4");
        await using var proxy = await ProxyHost.StartAsync();
        var url = await proxy.StreamUrlAsync(origin.Url(MoviePath));
        using var client = new MediaClient();

        using var response = await client.OpenAsync(url, "bytes=5000-", TestContext.Current.CancellationToken);

        Assert.Equal(416, (int)response.StatusCode);
        Assert.Equal("bytes */1000", response.Content.Headers.ContentRange?.ToString());
        Assert.Equal(1, origin.RequestCount(MoviePath));
    }

    [Theory]
    [InlineData(null, 0, 2_999_999)]
    [InlineData("bytes=100-2500000", 100, 2_500_000)]
    [InlineData("bytes=700000-", 700_000, 2_999_999)]
    public async Task UpstreamDropsMidBody_ResumesFromExactByte_NeverPastTheRangeEnd(string? range, int first, int last)
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        var file = RandomFile(3_000_000);
        // Every upstream response drops after 700 kB, so the proxy must resume several times.
        origin.AddFile(MoviePath, file, "video/mp4", new OriginBehavior { DropAfterBytes = 700_000 });
        await using var proxy = await ProxyHost.StartAsync();
        var url = await proxy.StreamUrlAsync(origin.Url(MoviePath));
        using var client = new MediaClient();

        var body = await client.ReadAllAsync(url, range);

        Assert.Equal(SHA256.HashData(file.AsSpan(first, last - first + 1)), SHA256.HashData(body));
        var resumes = origin.Requests(MoviePath).Skip(1).Select(r => r.Headers["Range"]).ToList();
        Assert.NotEmpty(resumes);
        Assert.All(resumes, r => Assert.EndsWith($"-{last}", r, StringComparison.Ordinal));
    }

    [Fact]
    public async Task CleanEndAtContentLength_IsNeverRetried()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddFile(MoviePath, RandomFile(200_000), "video/mp4");
        await using var proxy = await ProxyHost.StartAsync();
        var url = await proxy.StreamUrlAsync(origin.Url(MoviePath));
        using var client = new MediaClient();

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(200_000, (await client.ReadAllAsync(url)).Length);
        }

        Assert.Equal(3, origin.RequestCount(MoviePath));
    }

    [Fact]
    public async Task NewerRequestOfSameClient_SupersedesTheOlder()
    {
        const int size = 64_000_000;
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddFile(MoviePath, new byte[size], "video/mp4");
        await using var proxy = await ProxyHost.StartAsync();
        var url = await proxy.StreamUrlAsync(origin.Url(MoviePath));
        using var client = new MediaClient("Kodi/21");

        // The player opens a request and does not read it yet (its buffer is full), then seeks.
        using var older = await client.OpenAsync(url, "bytes=0-", TestContext.Current.CancellationToken);
        using var newer = await client.OpenAsync(url, "bytes=32000000-", TestContext.Current.CancellationToken);

        Assert.Equal(206, (int)newer.StatusCode);
        Assert.Equal(32_000_000, (await MediaClient.ReadAtLeastAsync(newer, 32_000_000, TimeSpan.FromSeconds(30))).Length);
        long olderBytes = 0;
        try
        {
            olderBytes = (await MediaClient.ReadAtLeastAsync(older, size, TimeSpan.FromSeconds(30))).Length;
        }
        catch (HttpRequestException)
        {
            // The connection was closed mid-body, as it should be.
        }
        catch (IOException)
        {
        }

        Assert.True(olderBytes < size, "the older request should have been closed");
    }

    [Fact]
    public async Task Head_AsksUpstream_AndCopiesLengthAndRange()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddFile(MoviePath, RandomFile(5000), "video/mp4");
        await using var proxy = await ProxyHost.StartAsync();
        var url = await proxy.StreamUrlAsync(origin.Url(MoviePath));
        using var client = new MediaClient();

        using var whole = await client.HeadAsync(url);
        using var part = await client.HeadAsync(url, "bytes=10-19");

        Assert.Equal(200, (int)whole.StatusCode);
        Assert.Equal(5000, whole.Content.Headers.ContentLength);
        Assert.Equal("video/mp4", whole.Content.Headers.ContentType?.MediaType);
        Assert.Equal(206, (int)part.StatusCode);
        Assert.Equal("bytes 10-19/5000", part.Content.Headers.ContentRange?.ToString());
        Assert.All(origin.Requests(MoviePath), r => Assert.Equal("HEAD", r.Method));
    }

    [Theory]
    [InlineData("/movie/u/p/film.mkv?token=abc", "text/html", "video/x-matroska")]
    [InlineData("/movie/u/p/7", "video/webm", "video/webm")]
    [InlineData("/movie/u/p/8", "text/html", "application/octet-stream")]
    public async Task ContentType_ByExtensionThenUpstream_NeverHtml(string path, string upstreamType, string expected)
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddFile(path.Split('?')[0], RandomFile(1000), upstreamType);
        await using var proxy = await ProxyHost.StartAsync();
        var url = await proxy.StreamUrlAsync(origin.Url(path));
        using var client = new MediaClient();

        using var response = await client.OpenAsync(url, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(expected, response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task UpstreamError_Is502Json_AndSlowHeaders504()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddFile("/movie/a.mp4", RandomFile(10), "video/mp4", new OriginBehavior { StatusCode = 500 });
        origin.AddFile("/movie/b.mp4", RandomFile(10), "video/mp4", new OriginBehavior { DelayBeforeHeaders = TimeSpan.FromSeconds(5) });
        await using var proxy = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["DEFAULT_READ_TIMEOUT"] = "1" });
        using var client = new MediaClient();

        using var failed = await client.OpenAsync(await proxy.StreamUrlAsync(origin.Url("/movie/a.mp4")), cancellationToken: TestContext.Current.CancellationToken);
        using var slow = await client.OpenAsync(await proxy.StreamUrlAsync(origin.Url("/movie/b.mp4")), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(502, (int)failed.StatusCode);
        Assert.Contains("500", await failed.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(504, (int)slow.StatusCode);
        Assert.Equal("application/json", slow.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task UpstreamRequest_CarriesReferenceHeaders_AndFollowsRedirects()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddFile("/movie/real.mp4", RandomFile(100), "video/mp4");
        origin.AddFile("/movie/entry.mp4", [], "video/mp4", new OriginBehavior { RedirectTo = "/movie/real.mp4" });
        await using var proxy = await ProxyHost.StartAsync();
        var url = await proxy.StreamUrlAsync(origin.Url("/movie/entry.mp4"), new { user_agent = "IPTVSmarters/1.0", headers = new Dictionary<string, string> { ["X-Auth"] = "abc" } });
        using var client = new MediaClient();

        Assert.Equal(100, (await client.ReadAllAsync(url)).Length);

        var request = origin.Requests("/movie/real.mp4").Single();
        Assert.Equal("IPTVSmarters/1.0", request.Headers["User-Agent"]);
        Assert.Equal("abc", request.Headers["X-Auth"]);
        Assert.Equal(origin.BaseAddress.GetLeftPart(UriPartial.Authority) + "/", request.Headers["Referer"]);
        Assert.Equal(origin.BaseAddress.GetLeftPart(UriPartial.Authority), request.Headers["Origin"]);
    }

    [Fact]
    public async Task HttpsUpstream_Works_WhenItsCertificateIsTrusted()
    {
        await using var origin = await FakeOrigin.StartAsync(https: true, TestContext.Current.CancellationToken);
        var file = RandomFile(100_000);
        origin.AddFile(MoviePath, file, "video/mp4");
        var thumbprint = origin.Certificate!.Thumbprint;
        await using var proxy = await ProxyHost.StartAsync(upstreamCertificates: (_, certificate, _, _) => certificate?.GetCertHashString() == thumbprint);
        var url = await proxy.StreamUrlAsync(origin.Url(MoviePath));
        using var client = new MediaClient();

        Assert.Equal(file, await client.ReadAllAsync(url));
    }

    [Fact]
    public async Task HttpsUpstream_WithUntrustedCertificate_Is502()
    {
        await using var origin = await FakeOrigin.StartAsync(https: true, TestContext.Current.CancellationToken);
        origin.AddFile(MoviePath, RandomFile(10), "video/mp4");
        await using var proxy = await ProxyHost.StartAsync();
        var url = await proxy.StreamUrlAsync(origin.Url(MoviePath));
        using var client = new MediaClient();

        using var response = await client.OpenAsync(url, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(502, (int)response.StatusCode);
    }

    [Fact]
    public async Task FfprobeAndFfmpeg_ReadAndSeekAnMp4ThroughTheProxy()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddFile(MoviePath, await File.ReadAllBytesAsync(await TestMedia.GetMp4FileAsync(), TestContext.Current.CancellationToken), "video/mp4");
        await using var proxy = await ProxyHost.StartAsync();
        var url = await proxy.StreamUrlAsync(origin.Url(MoviePath));

        var probe = await Ffprobe.ShowStreamsAsync(url, TestContext.Current.CancellationToken);
        Assert.Equal(0, probe.ExitCode);
        Assert.Contains("codec_type=video", probe.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("codec_type=audio", probe.StandardOutput, StringComparison.Ordinal);

        await TestMedia.RunFfmpegAsync(["-v", "error", "-ss", "6", "-i", url, "-t", "1", "-f", "null", "-"], TestContext.Current.CancellationToken);
        Assert.Contains(origin.Requests(MoviePath), r => r.Headers.TryGetValue("Range", out var range) && range != "bytes=0-");
    }
}
