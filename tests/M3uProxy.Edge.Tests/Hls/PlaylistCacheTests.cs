using System.Diagnostics.Metrics;
using M3uProxy.Edge.Configuration;
using M3uProxy.Edge.Hls;
using M3uProxy.Edge.Metrics;
using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Upstream;
using Microsoft.Extensions.Time.Testing;

namespace M3uProxy.Edge.Tests.Hls;

public sealed class PlaylistCacheTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static readonly Dictionary<string, string> _noHeaders = [];

    [Fact]
    public async Task A_copy_lives_for_half_a_target_duration_and_expired_copies_are_swept()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: Cancel);
        origin.AddText("/live.m3u8", "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:6,\na.ts\n", "application/vnd.apple.mpegurl");
        origin.AddText("/vod.m3u8", "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:6,\na.ts\n#EXT-X-ENDLIST\n", "application/vnd.apple.mpegurl");
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-29T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using var upstream = new UpstreamClient(new ProxySettings { ConnectTimeoutSeconds = 5, LiveReadTimeoutSeconds = 10, UpstreamMaxRedirects = 5 });
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var cache = new PlaylistCache(upstream, time, new ProxyMetrics(services.GetRequiredService<IMeterFactory>()));

        var live = await cache.GetAsync(origin.Url("/live.m3u8"), "ua", _noHeaders, Cancel);
        Assert.Equal(TimeSpan.FromSeconds(6), live.TargetDuration);
        time.Advance(TimeSpan.FromSeconds(2.9));
        await cache.GetAsync(origin.Url("/live.m3u8"), "ua", _noHeaders, Cancel);
        Assert.Equal(1, origin.RequestCount("/live.m3u8"));
        time.Advance(TimeSpan.FromSeconds(0.2));
        await cache.GetAsync(origin.Url("/live.m3u8"), "ua", _noHeaders, Cancel);
        Assert.Equal(2, origin.RequestCount("/live.m3u8"));

        // Another User-Agent is another copy: the upstream may answer differently.
        await cache.GetAsync(origin.Url("/live.m3u8"), "other", _noHeaders, Cancel);
        Assert.Equal(3, origin.RequestCount("/live.m3u8"));

        time.Advance(TimeSpan.FromSeconds(31));
        await cache.GetAsync(origin.Url("/vod.m3u8"), "ua", _noHeaders, Cancel);
        Assert.Equal(1, cache.Count);
    }
}
