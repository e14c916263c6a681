using M3uProxy.Edge.Metrics;
using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Tests.Infrastructure;
using M3uProxy.Edge.Tests.Playback;

namespace M3uProxy.Edge.Tests.Metrics;

/// <summary>
/// The server-side bitrate history: a playing stream's samples hold the bytes its viewer received
/// and its channel read upstream, <c>/stats?history=true</c> returns them (plain <c>/stats</c> does
/// not), and a deleted stream's ring goes at the next sample.
/// </summary>
[Collection(StreamingTests.Name)]
public sealed class StreamBitrateHistoryTests
{
    private const string ChannelPath = "/live/user/pass/55.ts";

    [Fact]
    public async Task PlayingStream_IsSampled_ReturnedOnRequest_AndDroppedWithTheStream()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: cancel);
        origin.AddLive(ChannelPath, TsPacketFactory.Create(5_000), 400_000);
        await using var proxy = await ProxyHost.StartAsync();
        var history = proxy.Services.GetRequiredService<StreamBitrateHistory>();
        var url = await proxy.StreamUrlAsync(origin.Url(ChannelPath));
        var streamId = url[(url.LastIndexOf('/') + 1)..];
        using var client = new MediaClient("Player/1");

        using (var response = await client.OpenAsync(url, cancellationToken: cancel))
        {
            history.Sample();
            var received = await MediaClient.ReadAtLeastAsync(response, 188 * 1_000, TimeSpan.FromSeconds(20));
            // A write counts as served once its send completed, which can be just after the viewer has the bytes.
            await Eventually.HoldsAsync(
                () =>
                {
                    history.Sample();
                    return history.Snapshot().Streams.Single(s => s.StreamId == streamId).Served.Sum() >= received.Length;
                },
                TimeSpan.FromSeconds(5),
                "the served bytes sampled caught up with what the viewer received");

            // The timer samples too (every 5 s); whatever the count, the samples add up to the totals so far.
            var (_, streams) = history.Snapshot();
            var (_, served, upstream) = Assert.Single(streams, s => s.StreamId == streamId);
            Assert.True(served.Length >= 2);
            Assert.Equal(served.Length, upstream.Length);
            Assert.True(served.Sum() >= received.Length, $"served {served.Sum()} < received {received.Length}");
            // What the viewer got came from upstream (all but the PAT and PMT sent before a keyframe join).
            Assert.True(upstream.Sum() >= received.Length - (188 * 4), $"upstream {upstream.Sum()} < received {received.Length}");
        }

        var (_, plain, _) = await proxy.GetAsync("stats");
        Assert.Null(plain!["bitrate_history"]);
        var (status, withHistory, _) = await proxy.GetAsync("stats?history=true");
        Assert.Equal(200, status);
        var recent = withHistory!["bitrate_history"]!;
        Assert.Equal((int)StreamBitrateHistory.Interval.TotalSeconds, (int)recent["interval_seconds"]!);
        Assert.True((double)recent["last_sample_age_seconds"]! >= 0);
        var sampled = Assert.Single(recent["streams"]!.AsArray(), s => (string)s!["stream_id"]! == streamId)!;
        Assert.True(sampled["served_bytes"]!.AsArray().Count >= 2);
        Assert.True(sampled["served_bytes"]!.AsArray().Sum(b => (long)b!) > 0);
        Assert.Equal(sampled["served_bytes"]!.AsArray().Count, sampled["upstream_bytes"]!.AsArray().Count);

        Assert.Equal(200, (await proxy.SendAsync(HttpMethod.Delete, "streams/" + streamId)).Status);
        history.Sample();
        Assert.DoesNotContain(history.Snapshot().Streams, s => s.StreamId == streamId);
    }
}
