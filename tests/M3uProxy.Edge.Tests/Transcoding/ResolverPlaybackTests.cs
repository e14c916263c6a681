using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Tests.Infrastructure;

namespace M3uProxy.Edge.Tests.Transcoding;

/// <summary>
/// streamlink and yt-dlp for real, against a loopback origin: their stdout is fanned out as a live
/// channel, decodable, with the stream's user agent and headers passed to the tool. Loopback origins
/// are ordinary stream URLs here; the allow-list judges only <c>resolver_args</c> (a URL there is refused).
/// </summary>
[Collection(TranscodingTests.Name)]
public sealed class ResolverPlaybackTests
{
    private const string UserAgent = "ResolverTest/1.0";

    [Theory]
    [InlineData("streamlink", "/hls/index.m3u8", "best")]
    [InlineData("ytdlp", TranscodeFixture.Live, "best")]
    public async Task Resolver_PlaysALoopbackSource_WithTheStreamsUserAgentAndHeaders(string resolver, string path, string args)
    {
        await using var origin = await TranscodeFixture.StartOriginAsync();
        await using var proxy = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["SHARED_STREAM_GRACE"] = "1" });
        var created = await TranscodeFixture.TranscodeAsync(proxy, new
        {
            url = origin.Url(path),
            resolver,
            resolver_args = args,
            user_agent = UserAgent,
            headers = new Dictionary<string, string> { ["X-Test"] = "passed" },
        });
        Assert.Equal("resolver", (string?)created["stream_type"]);
        var id = (string)created["stream_id"]!;

        using var client = new MediaClient();
        using var response = await client.OpenAsync(new Uri(proxy.BaseAddress, $"stream/{id}").ToString(), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(200, (int)response.StatusCode);
        var data = await MediaClient.ReadAtLeastAsync(response, 200_000, TimeSpan.FromSeconds(60));
        Assert.True(data.Length == 200_000, $"only {data.Length} bytes from {resolver}");

        var probe = await TranscodeFixture.ProbeAsync(data);
        Assert.Contains("codec_name=h264", probe, StringComparison.Ordinal);
        var requests = origin.Requests(path);
        Assert.NotEmpty(requests);
        var request = requests[^1];
        Assert.Equal(UserAgent, Header(request, "User-Agent"));
        Assert.Equal("passed", Header(request, "X-Test"));
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task Ytdlp_GetsTheCookies_FromAPrivateFileThatGoesWithTheStream()
    {
        var work = Path.Combine(Path.GetTempPath(), $"resolver-cookies-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        try
        {
            await using var origin = await TranscodeFixture.StartOriginAsync();
            await using var proxy = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["SHARED_STREAM_GRACE"] = "1", ["HLS_TEMP_DIR"] = work });
            var created = await TranscodeFixture.TranscodeAsync(proxy, new
            {
                url = origin.Url(TranscodeFixture.Live),
                resolver = "ytdlp",
                resolver_args = "best",
                cookies = "# Netscape HTTP Cookie File\n127.0.0.1\tFALSE\t/\tFALSE\t0\tsession\tabc123\n",
            });

            string cookieFile;
            using (var client = new MediaClient())
            using (var response = await client.OpenAsync(new Uri(proxy.BaseAddress, $"stream/{created["stream_id"]}").ToString(), cancellationToken: TestContext.Current.CancellationToken))
            {
                var data = await MediaClient.ReadAtLeastAsync(response, 100_000, TimeSpan.FromSeconds(60));
                Assert.True(data.Length == 100_000, $"only {data.Length} bytes");
                Assert.Equal("session=abc123", Header(origin.Requests(TranscodeFixture.Live)[^1], "Cookie"));
                cookieFile = Assert.Single(Directory.GetFiles(Path.Combine(work, "m3u-proxy-transcode"), "cookies-*.txt", SearchOption.AllDirectories));
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(cookieFile));
            }

            // The last viewer gone: the tool stops and its cookie file goes with it.
            await TranscodeFixture.WaitUntilAsync(() => Task.FromResult(!File.Exists(cookieFile)), TimeSpan.FromSeconds(20), "the cookie file to be removed");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static string? Header(RecordedRequest request, string name)
        => request.Headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;
}
