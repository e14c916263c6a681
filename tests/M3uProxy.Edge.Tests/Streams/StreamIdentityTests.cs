using M3uProxy.Edge.Streams;

namespace M3uProxy.Edge.Tests.Streams;

/// <summary>Ids, kinds and URL rules against the reference's published examples (seed-api-examples.md).</summary>
public sealed class StreamIdentityTests
{
    [Theory]
    [InlineData("https://cdn.example.com/live/channel1/master.m3u8", "1da10a6825c46b8e29504e1951efa2a4")]
    [InlineData("https://cdn.example.com/live/channel1/720p/index.m3u8", "94665de6e8377e5f77b286e9d2885459")]
    [InlineData("http://provider.example.com/live/user/pass/1234.ts", "082ebdd9d6bdf89b452db55b65677ec9")]
    [InlineData("http://vod.example.com/movie/user/pass/5678.mp4", "858bad2b010c13f6c9959bc7a660a438")]
    public void StreamId_IsMd5OfUrl(string url, string expected) => Assert.Equal(expected, StreamIds.ForUrl(url));

    [Fact]
    public void ClientId_FollowsReferenceRule()
        => Assert.Equal("client_c52c86ba74bfcc49", StreamIds.DeriveClientId("203.0.113.7", "VLC/3.0.20 LibVLC/3.0.20", "1da10a6825c46b8e29504e1951efa2a4", "alice"));

    [Theory]
    [InlineData("http://a/live/x.m3u8?token=1", "Hls")]
    [InlineData("http://a/movie/u/p/1.mkv", "Vod")]
    [InlineData("http://a/x/film.MP4?sig=.ts", "Vod")]
    [InlineData("http://a/series/u/p/2.ts", "Vod")]
    [InlineData("http://a/timeshift/u/p/60/2026-01-01:10-00/3.ts", "Vod")]
    [InlineData("http://a/live/u/p/3.ts", "LiveContinuous")]
    [InlineData("http://a/u/p/3", "LiveContinuous")]
    [InlineData("http://a/play.php?file=x.m3u8", "LiveContinuous")]
    public void Kind_FollowsManagerRule(string url, string expected) => Assert.Equal(expected, StreamKindDetector.Detect(url).ToString());

    [Theory]
    [InlineData("http://example.com/a.ts", null)]
    [InlineData("HTTPS://example.com/a.ts", null)]
    [InlineData("http://[::1]:8080/a.ts", null)]
    [InlineData("", "URL cannot be empty")]
    [InlineData("   ", "URL cannot be empty")]
    [InlineData("ftp://example.com/a.ts", "URL must use HTTP or HTTPS protocol")]
    [InlineData("file:///etc/passwd", "URL must use HTTP or HTTPS protocol")]
    [InlineData("/etc/passwd", "URL must use HTTP or HTTPS protocol")]
    [InlineData("data:text/plain,hi", "URL must use HTTP or HTTPS protocol")]
    [InlineData("http://", "URL must have a valid domain")]
    [InlineData("http:/example.com/a", "URL must have a valid domain")]
    [InlineData("http://exa mple.com/a", "URL must have a valid domain")]
    [InlineData("http://example.com/a b", "URL contains invalid characters")]
    public void UrlValidation_UsesReferenceMessages(string url, string? expected) => Assert.Equal(expected, UpstreamUrlValidator.Validate(url));
}
