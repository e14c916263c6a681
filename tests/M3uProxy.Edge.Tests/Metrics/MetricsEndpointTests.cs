using System.Text.RegularExpressions;
using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Tests.Hls;
using M3uProxy.Edge.Tests.Infrastructure;
using M3uProxy.Edge.Tests.Playback;

namespace M3uProxy.Edge.Tests.Metrics;

/// <summary><c>GET /metrics</c>: the Prometheus text format, behind <c>API_TOKEN</c>, with real figures.</summary>
[Collection(StreamingTests.Name)]
public sealed partial class MetricsEndpointTests
{
    private const string ChannelPath = "/live/user/pass/1234.ts";
    private static readonly byte[] _packets = TsPacketFactory.Create(5_000);

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*=""(?:[^""\\]|\\.)*""(,[a-zA-Z_][a-zA-Z0-9_]*=""(?:[^""\\]|\\.)*"")*\})? (?<value>-?[0-9.eE+-]+|\+Inf|-Inf|NaN)$")]
    private static partial Regex Sample();

    internal static async Task<string> ScrapeAsync(ProxyHost proxy, string? token = null)
    {
        var (status, _, response) = await proxy.GetAsync("metrics", token);
        Assert.Equal(200, status);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>The value of one sample line, e.g. <c>m3u_proxy_streams</c> or <c>m3u_proxy_failovers_total{reason="manual"}</c>.</summary>
    internal static double? Value(string exposition, string series)
    {
        foreach (var line in exposition.Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    /// <summary>Every line is a comment or a valid sample, and every sample's family has a TYPE.</summary>
    internal static void AssertWellFormed(string exposition)
    {
        var typed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in exposition.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                Assert.Contains(parts[3], new[] { "counter", "gauge", "histogram" });
                Assert.True(typed.Add(parts[2]), $"TYPE twice for {parts[2]}");
                continue;
            }

            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                continue;
            }

            var match = Sample().Match(line);
            Assert.True(match.Success, $"not a sample line: {line}");
            var name = match.Groups["name"].Value;
            Assert.True(typed.Contains(name) || typed.Any(t => name == t + "_bucket" || name == t + "_sum" || name == t + "_count"), $"no TYPE for {name}");
        }
    }

    [Fact]
    public async Task Metrics_IsAManagementRoute_TokenInHeaderOrQuery()
    {
        await using var proxy = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["API_TOKEN"] = "scrape-me" });

        Assert.Equal(401, (await proxy.GetAsync("metrics")).Status);
        await ScrapeAsync(proxy, "scrape-me");
        Assert.Equal(200, (await proxy.GetAsync("metrics?api_token=scrape-me")).Status);
        Assert.Equal(200, (await proxy.GetAsync("m3u-proxy/metrics?api_token=scrape-me")).Status);
    }

    [Fact]
    public async Task Exposition_IsWellFormed_AndCountsFailoversByReasonAndRequests()
    {
        await using var proxy = await ProxyHost.StartAsync();
        var created = await proxy.CreateStreamAsync(new { url = "http://primary.example/live/1.ts", failover_urls = new[] { "http://backup.example/live/1.ts" } });
        var (status, _, _) = await proxy.SendAsync(HttpMethod.Post, $"streams/{(string)created["stream_id"]!}/failover");
        Assert.Equal(200, status);

        var text = await ScrapeAsync(proxy);

        AssertWellFormed(text);
        Assert.Equal(1, Value(text, "m3u_proxy_failovers_total{reason=\"manual\"}"));
        Assert.Equal(1, Value(text, "m3u_proxy_streams"));
        Assert.Equal(0, Value(text, "m3u_proxy_streams_active"));
        Assert.Equal(0, Value(text, "m3u_proxy_upstream_connections"));
        Assert.Contains("# TYPE http_server_request_duration_seconds histogram", text, StringComparison.Ordinal);
        Assert.Matches(@"http_server_request_duration_seconds_count\{[^}]*http_route=""/streams""[^}]*\} 1", text);

        var (_, detailed, _) = await proxy.GetAsync("stats/detailed");
        Assert.Equal(1, (long?)detailed!["failover_stats"]!["failovers_by_reason"]!["manual"]);
        Assert.Equal(1, (long?)detailed["failover_stats"]!["total_failovers"]);
    }

    [Fact]
    public async Task LiveViewing_ShowsBytesServedUpstreamConnectionsAndChannels()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddLive(ChannelPath, _packets, 400_000);
        await using var proxy = await ProxyHost.StartAsync();
        var url = await proxy.StreamUrlAsync(origin.Url(ChannelPath));
        using var client = new MediaClient("Player/1");

        using (var response = await client.OpenAsync(url, cancellationToken: TestContext.Current.CancellationToken))
        {
            await MediaClient.ReadAtLeastAsync(response, 188 * 500, TimeSpan.FromSeconds(20));
            var text = await ScrapeAsync(proxy);
            AssertWellFormed(text);
            Assert.True(Value(text, "m3u_proxy_served_bytes_total") >= 188 * 500, text);
            Assert.Equal(1, Value(text, "m3u_proxy_upstream_connections"));
            Assert.Equal(1, Value(text, "m3u_proxy_live_channels"));
            Assert.Equal(1, Value(text, "m3u_proxy_clients"));
            Assert.Equal(1, Value(text, "m3u_proxy_streams_active"));
            Assert.NotNull(Value(text, "m3u_proxy_fanout_lag_bytes"));
            Assert.True(Value(text, "m3u_proxy_fanout_memory_bytes") >= 65_424, text); // at least the chunk the viewer reads
            Assert.Equal(0, Value(text, "m3u_proxy_fanout_memory_cuts_total"));
            Assert.NotNull(Value(text, "m3u_proxy_connection_buffers_memory_bytes"));
            Assert.NotNull(Value(text, "m3u_proxy_connection_buffers_free_bytes"));

            var (_, performance, _) = await proxy.GetAsync("stats/performance");
            Assert.Equal(1, (int?)performance!["connection_pool"]!["upstream_connections"]);
            Assert.Equal(1, (int?)performance["connection_pool"]!["live_viewers"]);
            Assert.True((long?)performance["performance_metrics"]!["bytes_served_since_start"] >= 188 * 500);
            Assert.True((long?)performance["performance_metrics"]!["fanout_buffer_bytes"] >= 65_424);
            Assert.Equal(268_435_456, (long?)performance["performance_metrics"]!["fanout_buffer_limit_bytes"]);
        }

        // The last viewer left: the upstream closes.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Value(await ScrapeAsync(proxy), "m3u_proxy_upstream_connections") != 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "upstream connection still counted as open");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task UnreachableUpstream_CountsErrorsByKind_AndLogsNoCredentials()
    {
        var logs = new RecordingLoggerProvider();
        await using var proxy = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["LOG_LEVEL"] = "DEBUG", ["STREAM_RETRY_ATTEMPTS"] = "1", ["STREAM_RETRY_DELAY"] = "0" });
        proxy.Services.GetRequiredService<ILoggerFactory>().AddProvider(logs);
        // Port 1 on loopback refuses connections.
        var url = await proxy.StreamUrlAsync("http://viewer:pa55word@127.0.0.1:1/live/alice/s3cret/7.ts?token=t0k3n&x=1");
        using var client = new MediaClient("Player/1");

        using (var response = await client.OpenAsync(url, cancellationToken: TestContext.Current.CancellationToken))
        {
            Assert.Equal(502, (int)response.StatusCode);
        }

        var text = await ScrapeAsync(proxy);
        Assert.Equal(2, Value(text, "m3u_proxy_upstream_errors_total{kind=\"Connect\"}"));
        // Every known reason is present from the start at 0; exactly one of them counted this failure.
        Assert.Equal(1, text.Split('\n').Count(l => l.StartsWith("m3u_proxy_stream_failures_total{", StringComparison.Ordinal) && !l.EndsWith(" 0", StringComparison.Ordinal)));
        var (_, performance, _) = await proxy.GetAsync("stats/performance");
        Assert.Equal(2, (long?)performance!["error_stats"]!["upstream_errors_by_kind"]!["Connect"]);

        var lines = logs.Lines;
        Assert.Contains(lines, l => l.Contains("***", StringComparison.Ordinal));
        foreach (var secret in new[] { "pa55word", "s3cret", "t0k3n" })
        {
            Assert.DoesNotContain(lines, l => l.Contains(secret, StringComparison.Ordinal));
        }

        // A viewer is not an error: no line at Error level for a refused upstream and a 502.
        Assert.DoesNotContain(lines, l => l.StartsWith("Critical", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnreachableVodUpstream_CountsAConnectError()
    {
        await using var proxy = await ProxyHost.StartAsync();
        var url = await proxy.StreamUrlAsync("http://127.0.0.1:1/movie/u/p/42.mp4");
        using var client = new MediaClient("Player/1");

        using (var response = await client.OpenAsync(url, cancellationToken: TestContext.Current.CancellationToken))
        {
            Assert.Equal(502, (int)response.StatusCode);
        }

        Assert.Equal(1, Value(await ScrapeAsync(proxy), "m3u_proxy_upstream_errors_total{kind=\"Connect\"}"));
    }

    [Fact]
    public async Task HlsPlaylistsAndSegments_CountBytesServedAndUpstreamErrors()
    {
        var cancel = TestContext.Current.CancellationToken;
        var segment = TsPacketFactory.Create(50);
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: cancel);
        origin.AddFile("/hls/a.ts", segment, "video/mp2t");
        origin.AddFile("/hls/gone.ts", segment, "video/mp2t", new OriginBehavior { StatusCode = 404 });
        origin.AddText("/hls/index.m3u8", "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\na.ts\n#EXTINF:2,\ngone.ts\n#EXT-X-ENDLIST\n", "application/vnd.apple.mpegurl");
        await using var proxy = await ProxyHost.StartAsync();
        var created = await proxy.CreateStreamAsync(new { url = origin.Url("/hls/index.m3u8") });
        Assert.Equal(0, Value(await ScrapeAsync(proxy), "m3u_proxy_served_bytes_total") ?? 0);

        using var playlist = await proxy.Client.GetAsync($"/hls/{(string)created["stream_id"]!}/playlist.m3u8", cancel);
        var playlistBytes = await playlist.Content.ReadAsByteArrayAsync(cancel);
        Assert.Equal(200, (int)playlist.StatusCode);
        Assert.Equal(playlistBytes.Length, Value(await ScrapeAsync(proxy), "m3u_proxy_served_bytes_total"));

        var uris = HlsPlaylistText.Uris(System.Text.Encoding.UTF8.GetString(playlistBytes));
        using (var first = await proxy.Client.GetAsync(uris[0], cancel))
        {
            Assert.Equal(segment, await first.Content.ReadAsByteArrayAsync(cancel));
        }

        using (var missing = await proxy.Client.GetAsync(uris[1], cancel))
        {
            Assert.Equal(404, (int)missing.StatusCode);
        }

        var text = await ScrapeAsync(proxy);
        AssertWellFormed(text);
        Assert.Equal(playlistBytes.Length + segment.Length, Value(text, "m3u_proxy_served_bytes_total"));
        Assert.Equal(1, Value(text, "m3u_proxy_upstream_errors_total{kind=\"Status\"}"));

        // A playlist that is not one: counted once, by its own kind.
        origin.AddText("/hls/broken.m3u8", "<html>maintenance</html>", "text/html");
        var broken = await proxy.CreateStreamAsync(new { url = origin.Url("/hls/broken.m3u8") });
        using (var response = await proxy.Client.GetAsync($"/hls/{(string)broken["stream_id"]!}/playlist.m3u8", cancel))
        {
            Assert.Equal(502, (int)response.StatusCode);
        }

        var (_, performance, _) = await proxy.GetAsync("stats/performance");
        Assert.True((long?)performance!["error_stats"]!["upstream_errors_by_kind"]!["NotAPlaylist"] >= 1);
        Assert.Equal(1, (long?)performance["error_stats"]!["upstream_errors_by_kind"]!["Status"]);
        Assert.Equal(playlistBytes.Length + segment.Length, (long?)performance["performance_metrics"]!["bytes_served_since_start"]);
    }
}
