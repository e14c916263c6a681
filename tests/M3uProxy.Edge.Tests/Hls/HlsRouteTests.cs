using System.Net;
using System.Text;
using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Tests.Infrastructure;

namespace M3uProxy.Edge.Tests.Hls;

/// <summary><c>/hls/{id}/playlist.m3u8</c> and <c>/hls/{id}/segment[.ts]</c> against a real origin.</summary>
public sealed class HlsRouteTests
{
    private const string Token = "secret-token";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<(FakeOrigin Origin, string Folder)> OriginWithVodAsync()
    {
        var origin = await FakeOrigin.StartAsync(cancellationToken: Cancel);
        var folder = await TestMedia.GetHlsFolderAsync();
        origin.AddHls("/vod", folder);
        origin.AddText("/live/master.m3u8", "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000,CODECS=\"avc1.42e00d,mp4a.40.2\"\n../vod/index.m3u8\n", "application/vnd.apple.mpegurl");
        return (origin, folder);
    }

    private static async Task<(HttpResponseMessage Response, string Body)> GetTextAsync(ProxyHost proxy, string url, string? range = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (range is not null)
        {
            request.Headers.TryAddWithoutValidation("Range", range);
        }

        var response = await proxy.Client.SendAsync(request, Cancel);
        return (response, await response.Content.ReadAsStringAsync(Cancel));
    }

    [Fact]
    public async Task Master_and_media_playlists_are_served_rewritten_with_headers_and_no_origin_host()
    {
        var (origin, _) = await OriginWithVodAsync();
        await using var _o = origin;
        await using var proxy = await ProxyHost.StartAsync();
        var created = await proxy.CreateStreamAsync(new { url = origin.Url("/live/master.m3u8") });
        var id = (string)created["stream_id"]!;

        var (response, master) = await GetTextAsync(proxy, $"/m3u-proxy/hls/{id}/playlist.m3u8");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.apple.mpegurl", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(id, response.Headers.GetValues("X-Stream-ID").Single());
        Assert.StartsWith("client_", response.Headers.GetValues("X-Client-ID").Single(), StringComparison.Ordinal);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.DoesNotContain(origin.BaseAddress.Authority, master, StringComparison.Ordinal);

        var variant = Assert.Single(HlsPlaylistText.Variants(master));
        Assert.StartsWith($"/m3u-proxy/hls/{id}/playlist.m3u8?url=", variant, StringComparison.Ordinal);
        var (variantResponse, media) = await GetTextAsync(proxy, variant);
        Assert.Equal(HttpStatusCode.OK, variantResponse.StatusCode);
        var variantId = variantResponse.Headers.GetValues("X-Stream-ID").Single();
        Assert.NotEqual(id, variantId);
        Assert.DoesNotContain(origin.BaseAddress.Authority, media, StringComparison.Ordinal);
        Assert.Contains("#EXT-X-ENDLIST", media, StringComparison.Ordinal);
        var segments = HlsPlaylistText.Uris(media);
        Assert.NotEmpty(segments);
        Assert.All(segments, s => Assert.StartsWith($"/m3u-proxy/hls/{variantId}/segment.ts?url=", s, StringComparison.Ordinal));

        // The variant is its own record, hidden from listings.
        var (_, listing, _) = await proxy.GetAsync("/streams");
        Assert.Equal(1, (int)listing!["total"]!);
    }

    [Fact]
    public async Task A_segment_passes_through_with_the_upstream_status_type_length_and_range()
    {
        var (origin, folder) = await OriginWithVodAsync();
        await using var _o = origin;
        await using var proxy = await ProxyHost.StartAsync();
        var created = await proxy.CreateStreamAsync(new { url = origin.Url("/vod/index.m3u8") });
        var (_, media) = await GetTextAsync(proxy, $"/hls/{created["stream_id"]}/playlist.m3u8");
        var first = HlsPlaylistText.Uris(media)[0];
        var file = await File.ReadAllBytesAsync(Path.Combine(folder, "seg_000.ts"), Cancel);

        using var whole = await proxy.Client.GetAsync(first, Cancel);
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal("video/mp2t", whole.Content.Headers.ContentType?.MediaType);
        Assert.Equal(file.Length, whole.Content.Headers.ContentLength);
        Assert.Equal(file, await whole.Content.ReadAsByteArrayAsync(Cancel));

        using var request = new HttpRequestMessage(HttpMethod.Get, first);
        request.Headers.TryAddWithoutValidation("Range", "bytes=188-375");
        using var partial = await proxy.Client.SendAsync(request, Cancel);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal($"bytes 188-375/{file.Length}", partial.Content.Headers.ContentRange?.ToString());
        Assert.Equal(file.AsSpan(188, 188).ToArray(), await partial.Content.ReadAsByteArrayAsync(Cancel));
    }

    [Theory]
    [InlineData("/s/a.ts", "text/vnd.trolltech.linguist", "video/mp2t")]
    [InlineData("/s/a.m4s", "video/iso.segment", "video/iso.segment")]
    [InlineData("/s/sub.vtt", "text/vtt", "text/vtt")]
    [InlineData("/s/key.bin", "application/octet-stream", "application/octet-stream")]
    public async Task A_segment_keeps_the_upstream_type_unless_a_web_server_calls_a_media_file_text(string path, string upstreamType, string expected)
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: Cancel);
        origin.AddFile(path, [1, 2, 3], upstreamType);
        origin.AddText("/s/index.m3u8", $"#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\n{path}\n", "application/vnd.apple.mpegurl");
        await using var proxy = await ProxyHost.StartAsync();
        var created = await proxy.CreateStreamAsync(new { url = origin.Url("/s/index.m3u8") });
        var (_, media) = await GetTextAsync(proxy, $"/hls/{created["stream_id"]}/playlist.m3u8");

        using var response = await proxy.Client.GetAsync(HlsPlaylistText.Uris(media).Single(), Cancel);
        Assert.Equal(expected, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(3, response.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task An_upstream_segment_error_is_passed_through_with_a_json_body()
    {
        var (origin, _) = await OriginWithVodAsync();
        await using var _o = origin;
        await using var proxy = await ProxyHost.StartAsync();
        var created = await proxy.CreateStreamAsync(new { url = origin.Url("/vod/index.m3u8") });
        var (_, media) = await GetTextAsync(proxy, $"/hls/{created["stream_id"]}/playlist.m3u8");
        origin.Remove("/vod/seg_001.ts");

        var (status, body, response) = await proxy.GetAsync(HlsPlaylistText.Uris(media)[1]);
        Assert.Equal(404, status);
        Assert.Equal("Upstream answered 404", (string?)body?["detail"]);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(Token)]
    public async Task Unsigned_or_tampered_segment_urls_are_refused_even_with_the_api_token(string? token)
    {
        var (origin, _) = await OriginWithVodAsync();
        await using var _o = origin;
        await using var proxy = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["API_TOKEN"] = Token });
        var created = await proxy.CreateStreamAsync(new { url = origin.Url("/vod/index.m3u8") }, Token);
        var id = (string)created["stream_id"]!;
        var (_, media) = await GetTextAsync(proxy, $"/hls/{id}/playlist.m3u8");
        var signed = HlsPlaylistText.Uris(media)[0];

        string[] refused =
        [
            $"/hls/{id}/segment.ts?client_id=x&url=file%3A%2F%2F%2Fetc%2Fpasswd",
            $"/hls/{id}/segment?client_id=x&url=%2Fetc%2Fpasswd",
            $"/hls/{id}/segment.ts?client_id=x&url={Uri.EscapeDataString(origin.Url("/vod/seg_000.ts"))}",
            signed.Replace("seg_000", "seg_001", StringComparison.Ordinal),
            signed.Replace($"/hls/{id}/", $"/hls/{new string('0', 32)}/", StringComparison.Ordinal),
        ];
        foreach (var path in refused)
        {
            var (status, body, _) = await proxy.SendAsync(HttpMethod.Get, path, token);
            Assert.Equal(403, status);
            Assert.Equal("URL signature missing or invalid", (string?)body?["detail"]);
        }

        Assert.Equal(0, origin.RequestCount("/vod/seg_000.ts") + origin.RequestCount("/vod/seg_001.ts"));
    }

    [Fact]
    public async Task A_segment_request_without_url_or_client_id_is_a_422()
    {
        await using var proxy = await ProxyHost.StartAsync();
        var (status, body, _) = await proxy.GetAsync("/hls/abc/segment.ts");
        Assert.Equal(422, status);
        Assert.Equal(2, body!["detail"]!.AsArray().Count);
    }

    [Fact]
    public async Task An_unsigned_playlist_url_creates_a_stream_only_for_the_api_token_holder()
    {
        var (origin, _) = await OriginWithVodAsync();
        await using var _o = origin;
        await using var proxy = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["API_TOKEN"] = Token });
        var path = $"/hls/anything/playlist.m3u8?url={Uri.EscapeDataString(origin.Url("/vod/index.m3u8"))}";

        var (anonymous, body, _) = await proxy.GetAsync(path);
        Assert.Equal(403, anonymous);
        Assert.Equal("URL signature missing or invalid", (string?)body?["detail"]);
        Assert.Equal(0, origin.RequestCount("/vod/index.m3u8"));
        var (fileStatus, _, _) = await proxy.GetAsync("/hls/anything/playlist.m3u8?url=file%3A%2F%2F%2Fetc%2Fpasswd");
        Assert.Equal(403, fileStatus);
        var (fileWithToken, _, _) = await proxy.GetAsync("/hls/anything/playlist.m3u8?url=file%3A%2F%2F%2Fetc%2Fpasswd", Token);
        Assert.Equal(400, fileWithToken);

        var (withToken, _, response) = await proxy.GetAsync(path, Token);
        Assert.Equal(200, withToken);
        Assert.Equal(Edge.Streams.StreamIds.ForUrl(origin.Url("/vod/index.m3u8")), response.Headers.GetValues("X-Stream-ID").Single());
    }

    [Fact]
    public async Task A_body_that_is_not_a_playlist_is_a_502_that_never_echoes_it()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: Cancel);
        origin.AddLive("/live/channel.m3u8", TsPacketFactory.Create(2000), bytesPerSecond: 200_000);
        origin.AddText("/html.m3u8", "<html><body>Error page with a secret</body></html>", "text/html");
        await using var proxy = await ProxyHost.StartAsync();

        foreach (var path in new[] { "/live/channel.m3u8", "/html.m3u8" })
        {
            var created = await proxy.CreateStreamAsync(new { url = origin.Url(path) });
            var started = System.Diagnostics.Stopwatch.StartNew();
            var (status, body, response) = await proxy.GetAsync($"/hls/{created["stream_id"]}/playlist.m3u8");
            Assert.Equal(502, status);
            Assert.Equal("Upstream did not answer with a playlist (no #EXTM3U)", (string?)body?["detail"]);
            Assert.True(started.Elapsed < TimeSpan.FromSeconds(20), $"took {started.Elapsed}");
        }
    }

    [Fact]
    public async Task A_playlist_no_source_serves_is_a_503_playlist_not_available()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: Cancel);
        origin.AddText("/a.m3u8", "#EXTM3U\n", "application/vnd.apple.mpegurl", new OriginBehavior { StatusCode = 500 });
        await using var proxy = await ProxyHost.StartAsync();
        var created = await proxy.CreateStreamAsync(new { url = origin.Url("/a.m3u8") });

        var (status, body, _) = await proxy.GetAsync($"/hls/{created["stream_id"]}/playlist.m3u8");
        Assert.Equal(503, status);
        Assert.Equal("Playlist not available", (string?)body?["detail"]);
        var (unknown, notFound, _) = await proxy.GetAsync($"/hls/{new string('f', 32)}/playlist.m3u8");
        Assert.Equal(404, unknown);
        Assert.Equal("Stream not found", (string?)notFound?["detail"]);
    }

    [Fact]
    public async Task Relative_uris_resolve_against_the_url_after_redirects_without_the_parents_query()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: Cancel);
        origin.AddText("/entry/channel.m3u8", "", "text/plain", new OriginBehavior { RedirectTo = "/edge7/live/chan/index.m3u8?token=t1" });
        origin.AddText("/edge7/live/chan/index.m3u8", "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\nseg1.ts\n", "application/vnd.apple.mpegurl");
        origin.AddFile("/edge7/live/chan/seg1.ts", TsPacketFactory.Create(5), "video/mp2t");
        await using var proxy = await ProxyHost.StartAsync();
        var created = await proxy.CreateStreamAsync(new { url = origin.Url("/entry/channel.m3u8") });

        var (_, media) = await GetTextAsync(proxy, $"/hls/{created["stream_id"]}/playlist.m3u8");
        var segment = Assert.Single(HlsPlaylistText.Uris(media));
        Assert.Contains(Uri.EscapeDataString(origin.Url("/edge7/live/chan/seg1.ts")) + "&", segment, StringComparison.Ordinal);
        Assert.Equal(TsPacketFactory.Create(5), await proxy.Client.GetByteArrayAsync(segment, Cancel));
    }

    [Fact]
    public async Task The_raw_hls_passthrough_of_the_stream_route_still_serves_the_upstream_bytes()
    {
        var (origin, folder) = await OriginWithVodAsync();
        await using var _o = origin;
        await using var proxy = await ProxyHost.StartAsync();
        var url = await proxy.StreamUrlAsync(origin.Url("/vod/index.m3u8"));
        var body = await proxy.Client.GetByteArrayAsync(url, Cancel);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(folder, "index.m3u8"), Cancel), body);
        Assert.Contains("seg_000.ts", Encoding.UTF8.GetString(body), StringComparison.Ordinal);
    }
}
