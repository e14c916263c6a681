using System.Diagnostics.Metrics;
using M3uProxy.Edge.Metrics;
using M3uProxy.Edge.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace M3uProxy.Edge.Tests.Metrics;

/// <summary>Names and escaping of the exposition, and the bytes-per-second sampler on a fake clock.</summary>
public sealed class MetricsUnitTests
{
    [Fact]
    public void Names_FollowPrometheusConventions()
    {
        using var meter = new Meter("test.names");
        Assert.Equal("http_server_request_duration_seconds", PrometheusText.MetricName(meter.CreateHistogram<double>("http.server.request.duration", "s"), MetricKind.Histogram));
        Assert.Equal("m3u_proxy_served_bytes_total", PrometheusText.MetricName(meter.CreateCounter<long>("m3u_proxy.served", "By"), MetricKind.Counter));
        Assert.Equal("m3u_proxy_failovers_total", PrometheusText.MetricName(meter.CreateCounter<long>("m3u_proxy.failovers"), MetricKind.Counter));
        Assert.Equal("m3u_proxy_fanout_lag_bytes", PrometheusText.MetricName(meter.CreateObservableGauge("m3u_proxy.fanout.lag", () => 0L, "By"), MetricKind.Gauge));
        Assert.Equal("_1st_metric", PrometheusText.Sanitize("1st-metric"));
    }

    [Fact]
    public void LabelValues_AreEscaped()
        => Assert.Equal("a\\\\b\\\"c\\nd", PrometheusText.EscapeLabel("a\\b\"c\nd"));

    [Fact]
    public void AKnownLabelSet_IsRecordedWithoutAllocating_AndLandsInTheSameSeries()
    {
        using var meter = new Meter("test.rawtags");
        var state = new InstrumentState(meter.CreateHistogram<double>("http.server.request.duration", "s"));
        KeyValuePair<string, object?>[] tags = [new("http.request.method", "GET"), new("http.response.status_code", 200), new("http.route", "/hls/{id}/playlist.m3u8")];
        KeyValuePair<string, object?>[] sameSetOtherOrder = [tags[2], tags[0], tags[1]];
        state.Record(0.001, tags);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            state.Record(0.002, tags);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        state.Record(0.003, sameSetOtherOrder);

        Assert.Equal(0, allocated);
        var series = Assert.Single(state.Series);
        Assert.Equal("{http_request_method=\"GET\",http_response_status_code=\"200\",http_route=\"/hls/{id}/playlist.m3u8\"}", series.Labels);
        Assert.Equal(1_002, series.HistogramSnapshot().Count);
    }

    [Fact]
    public void RawTags_NeverWriteTheSameTextForDifferentLabelSets()
    {
        Span<char> a = stackalloc char[256];
        Span<char> b = stackalloc char[256];
        string Format(KeyValuePair<string, object?>[] tags, Span<char> into) => new(into[..RawTags.TryFormat(tags, into)]);

        // Values that would blur the boundary between one tag and the next take the slow path (0).
        Assert.Equal(0, RawTags.TryFormat([new("k", "a\u0002b\u0001c")], a));
        Assert.Equal(0, RawTags.TryFormat([new("k", new object())], a));
        Assert.Equal(0, RawTags.TryFormat([new("k", new string('x', 300))], a));
        Assert.NotEqual(Format([new("a", "1"), new("b", null)], a), Format([new("a", "1b"), new("", null)], b));
        Assert.NotEqual(Format([new("code", 200)], a), Format([new("code", 2000)], b));
        Assert.Equal(Format([new("code", 200)], a), Format([new("code", "200")], b)); // the same label text, so the same series
    }

    [Fact]
    public async Task BytesPerSecond_IsMeasuredOverTheLastWindow_OnTheInjectedClock()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var proxy = await ProxyHost.StartAsync(time: time);
        var metrics = proxy.Services.GetRequiredService<ProxyMetrics>();
        var sampler = proxy.Services.GetRequiredService<ThroughputSampler>();

        metrics.BytesServed(30_000);
        metrics.BytesServed(20_000);
        time.Advance(ThroughputSampler.Window);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (sampler.BytesPerSecond == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the sampler never ran");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.Equal(10_000, sampler.BytesPerSecond);
        var (_, performance, _) = await proxy.GetAsync("stats/performance");
        Assert.Equal(10_000, (double?)performance!["performance_metrics"]!["bytes_per_second"]);
        Assert.Equal(50_000, (long?)performance["performance_metrics"]!["bytes_served_since_start"]);
    }
}
