using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using M3uProxy.Edge.Configuration;
using M3uProxy.Edge.Metrics;
using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Tests.Infrastructure;
using M3uProxy.Edge.Tests.Playback;
using static M3uProxy.Edge.Tests.Metrics.MetricsEndpointTests;

namespace M3uProxy.Edge.Tests.Metrics;

/// <summary>
/// The series an operator's Grafana board is built on: build info, process and runtime series,
/// labelled counters present at 0 from the start, upstream bytes and open upstreams per provider,
/// buffer memory, bounded per-stream series, and the shipped dashboard using only what exists.
/// </summary>
[Collection(StreamingTests.Name)]
public sealed partial class OperatorMetricsTests
{
    private const string ChannelPath = "/live/user/pass/77.ts";
    private static readonly byte[] _packets = TsPacketFactory.Create(5_000);

    [GeneratedRegex(@"\b(?:m3u_proxy|process|dotnet|http_server)_[a-z0-9_]+")]
    private static partial Regex SeriesName();

    [Fact]
    public async Task FreshProxy_ExportsBuildInfoProcessRuntime_AndEveryKnownLabelAtZero()
    {
        await using var proxy = await ProxyHost.StartAsync();

        var text = await ScrapeAsync(proxy);

        AssertWellFormed(text);
        Assert.Contains($"version=\"{ProxyVersion.Build}\"", text.Split('\n').Single(l => l.StartsWith("m3u_proxy_build_info{", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.True(Value(text, "process_resident_memory_bytes") > 0, text);
        Assert.True(Value(text, "process_cpu_seconds_total") > 0, text);
        Assert.True(Value(text, "process_open_fds") > 0, text);
        Assert.True(Value(text, "process_start_time_seconds") > 1_600_000_000, text);
        Assert.Contains("# TYPE dotnet_gc_collections_total counter", text, StringComparison.Ordinal);
        // The runtime declares the thread count an observable counter, hence the _total.
        Assert.Contains("# TYPE dotnet_thread_pool_thread_count_total counter", text, StringComparison.Ordinal);
        Assert.Equal(0, Value(text, "m3u_proxy_fanout_memory_bytes"));
        Assert.Equal(0, Value(text, "m3u_proxy_served_bytes_total"));
        foreach (var reason in ProxyMetrics.KnownFailoverReasons)
        {
            Assert.Equal(0, Value(text, $"m3u_proxy_failovers_total{{reason=\"{reason}\"}}"));
        }

        foreach (var kind in ProxyMetrics.KnownUpstreamErrorKinds)
        {
            Assert.Equal(0, Value(text, $"m3u_proxy_upstream_errors_total{{kind=\"{kind}\"}}"));
        }

        Assert.Equal(0, Value(text, "m3u_proxy_stream_failures_total{reason=\"retries_exhausted\"}"));
        Assert.Equal(0, Value(text, "m3u_proxy_webhook_deliveries_total{outcome=\"failed\"}"));
        // Per-stream series are off by default.
        Assert.DoesNotContain("m3u_proxy_stream_clients", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LiveViewing_CountsPerProvider_BufferMemory_AndAtMostTheLimitOfStreams_AndTheDashboardUsesOnlyThese()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: cancel);
        origin.AddLive(ChannelPath, _packets, 400_000);
        await using var proxy = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["METRICS_PER_STREAM_LIMIT"] = "1" });
        await proxy.CreateStreamAsync(new { url = "http://idle.example/live/1.ts" });
        // A webhook (never called: it listens to no event that happens here), so its series exist.
        Assert.Equal(200, (await proxy.SendAsync(HttpMethod.Post, "webhooks", json: """{"url":"http://127.0.0.1:9/hook","events":["client_disconnected"]}""")).Status);
        var url = await proxy.StreamUrlAsync(origin.Url(ChannelPath));
        var watchedId = url[(url.LastIndexOf('/') + 1)..];
        var provider = $"127.0.0.1:{origin.BaseAddress.Port}";
        using var client = new MediaClient("Player/1");

        using var response = await client.OpenAsync(url, cancellationToken: cancel);
        await MediaClient.ReadAtLeastAsync(response, 188 * 500, TimeSpan.FromSeconds(20));
        var text = await ScrapeAsync(proxy);

        AssertWellFormed(text);
        Assert.Equal(1, Value(text, $"m3u_proxy_upstream_open{{provider=\"{provider}\"}}"));
        Assert.True(Value(text, $"m3u_proxy_upstream_read_bytes_total{{provider=\"{provider}\"}}") >= 188 * 500, text);
        Assert.True(Value(text, "m3u_proxy_fanout_memory_bytes") > 0, text);
        // Two streams registered, one allowed: the watched one.
        Assert.Equal(1, Value(text, $"m3u_proxy_stream_clients{{stream_id=\"{watchedId}\"}}"));
        Assert.Single(text.Split('\n'), l => l.StartsWith("m3u_proxy_stream_clients{", StringComparison.Ordinal));
        Assert.Contains($"m3u_proxy_stream_info{{kind=\"live\",provider=\"{provider}\",state=\"streaming\",stream_id=\"{watchedId}\"}} 1", text, StringComparison.Ordinal);
        Assert.Equal(0, Value(text, $"m3u_proxy_stream_source_position{{stream_id=\"{watchedId}\"}}"));
        Assert.True(Value(text, $"m3u_proxy_stream_served_bytes_total{{stream_id=\"{watchedId}\"}}") > 0, text);

        // The shipped Grafana board queries only series this proxy exports.
        var exported = text.Split('\n').Where(l => l.Length > 0 && l[0] != '#').Select(l => SeriesName().Match(l).Value).ToHashSet(StringComparer.Ordinal);
        var dashboard = JsonNode.Parse(await File.ReadAllTextAsync(RepoPaths.File("docs", "grafana", "m3u-proxy-dashboard.json"), cancel))!;
        var expressions = dashboard["panels"]!.AsArray().SelectMany(p => p!["targets"]?.AsArray() ?? []).Select(t => (string)t!["expr"]!).ToList();
        Assert.True(expressions.Count >= 20, $"{expressions.Count} queries");
        var used = expressions.SelectMany(e => SeriesName().Matches(e).Select(m => m.Value)).ToHashSet(StringComparer.Ordinal);
        var missing = used.Where(name => !exported.Contains(name)).ToList();
        Assert.True(missing.Count == 0, "the dashboard queries series /metrics does not export: " + string.Join(", ", missing));
    }
}
