using M3uProxy.Edge.Clients;
using M3uProxy.Edge.Events;
using M3uProxy.Edge.Metrics;
using M3uProxy.Edge.Streams;
using M3uProxy.Edge.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace M3uProxy.Edge.Tests.Webhooks;

/// <summary>
/// m3u-editor decrements provider connection counts on <c>stream_stopped</c>: each stream
/// lifetime must end with exactly one, and each subscriber must receive it exactly once, even
/// when the ways a stream ends race each other. Hundreds of iterations each, on a fake clock,
/// with a real webhook receiver counting what arrives.
/// </summary>
/// <remarks>In the streaming collection: thousands of deliveries would otherwise load the CPU while timing-sensitive streaming tests run.</remarks>
[Collection(Playback.StreamingTests.Name)]
public sealed class StreamStoppedExactlyOnceTests
{
    private const int Iterations = 300;
    private static readonly ClientIdentity _viewer = new("10.0.0.9", "Kodi", null);

    private sealed record Race(ProxyHost Proxy, WebhookReceiver Receiver, FakeTimeProvider Time) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Proxy.DisposeAsync();
            await Receiver.DisposeAsync();
        }
    }

    private static async Task<Race> StartAsync()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var receiver = await WebhookReceiver.StartAsync();
        var proxy = await ProxyHost.StartAsync(
            new Dictionary<string, string?> { ["STREAM_TIMEOUT"] = "60", ["CLIENT_TIMEOUT"] = "10", ["CLEANUP_INTERVAL"] = "3600", ["WEBHOOK_QUEUE_SIZE"] = "100000" },
            time);
        var (status, _, _) = await proxy.SendAsync(HttpMethod.Post, "webhooks", json: $$"""{"url":"{{receiver.Url("/editor")}}","events":["stream_stopped"]}""");
        Assert.Equal(200, status);
        return new Race(proxy, receiver, time);
    }

    private static StreamDefinition Definition(int iteration) => new(
        $"http://provider.example/live/u/p/{iteration}.ts", [], null, "ua", new Dictionary<string, string>(), new Dictionary<string, string> { ["provider_profile_id"] = "3" }, false, false, SilenceOverrides.None);

    /// <summary>Runs both actions at the same moment on two pool threads.</summary>
    private static async Task RunTogetherAsync(Action first, Action second)
    {
        using var start = new Barrier(2);
        await Task.WhenAll(
            Task.Run(() => { start.SignalAndWait(); first(); }, TestContext.Current.CancellationToken),
            Task.Run(() => { start.SignalAndWait(); second(); }, TestContext.Current.CancellationToken));
    }

    /// <summary>
    /// Lets deliveries finish before the fake clock jumps: a jump past a delivery's timeout while
    /// the request is on the wire would count as a timeout (and a retry) that no real clock shows.
    /// </summary>
    private static async Task AdvanceAfterDeliveriesAsync(Race race, TimeSpan span)
    {
        // Finished means answered, as the proxy counts it, not merely arrived at the receiver.
        var published = race.Proxy.EventsOf(EventType.StreamStopped).Count;
        var metrics = race.Proxy.Services.GetRequiredService<MetricsCollector>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (metrics.Total(ProxyMetrics.WebhookDeliveriesName) < published)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{metrics.Total(ProxyMetrics.WebhookDeliveriesName)} of {published} deliveries finished");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        race.Time.Advance(span);
    }

    private static int StopsOf(ProxyHost proxy, string streamId) => proxy.EventsOf(EventType.StreamStopped).Count(e => e.StreamId == streamId);

    /// <summary>Every published stream_stopped reaches the receiver once, and nothing else arrives.</summary>
    private static async Task AssertEachStopDeliveredOnceAsync(Race race, int expectedStops)
    {
        var published = race.Proxy.EventsOf(EventType.StreamStopped).Select(e => e.EventId.ToString("D")).ToList();
        Assert.Equal(expectedStops, published.Count);
        var received = await race.Receiver.WaitForAsync("/editor", r => r.Count >= expectedStops, timeoutSeconds: 60);
        await Task.Delay(300, TestContext.Current.CancellationToken);
        received = race.Receiver.Received("/editor");
        Assert.Equal(published.Order(StringComparer.Ordinal), received.Select(r => r.EventId).Order(StringComparer.Ordinal));
        Assert.All(received, r => Assert.Equal("3", (string?)r.Json["data"]!["metadata"]!["provider_profile_id"]));
    }

    [Fact]
    public async Task LastClientLeaving_WhileADeleteArrives_StopsOnce()
    {
        await using var race = await StartAsync();
        var lifecycle = race.Proxy.Lifecycle;
        for (var i = 0; i < Iterations; i++)
        {
            var stream = lifecycle.Upsert(Definition(i), out _);
            var client = lifecycle.RegisterClient(stream, $"client_{i}", _viewer)!;

            await RunTogetherAsync(
                () => lifecycle.DisconnectClient(client),
                () => lifecycle.RemoveStream(stream, new StopReason("manual_deletion", new() { ["was_transcoded"] = false })));

            Assert.Equal(1, StopsOf(race.Proxy, stream.Id));
            Assert.False(lifecycle.Streams.TryGet(stream.Id, out _));
        }

        await AssertEachStopDeliveredOnceAsync(race, Iterations);
    }

    [Fact]
    public async Task ReaperFiring_DuringAReconnect_NeitherCutsTheNewViewerNorStopsTwice()
    {
        await using var race = await StartAsync();
        var lifecycle = race.Proxy.Lifecycle;
        var stops = 0;
        var reconnected = 0;
        for (var i = 0; i < Iterations; i++)
        {
            var stream = lifecycle.Upsert(Definition(i), out _);
            lifecycle.DisconnectClient(lifecycle.RegisterClient(stream, $"client_{i}", _viewer)!);
            Assert.Equal(1, StopsOf(race.Proxy, stream.Id));
            await AdvanceAfterDeliveriesAsync(race, TimeSpan.FromSeconds(61)); // idle past STREAM_TIMEOUT: the reaper may take it

            ClientRecord? again = null;
            await RunTogetherAsync(
                () => lifecycle.ReapIdle(),
                () => again = lifecycle.RegisterClient(stream, $"client_{i}", _viewer));

            if (again is null)
            {
                // The reaper won: the stream was already stopped, so no second event.
                Assert.False(lifecycle.Streams.TryGet(stream.Id, out _));
                Assert.Equal(1, StopsOf(race.Proxy, stream.Id));
                stops += 1;
                continue;
            }

            // The viewer won: a new lifetime, which the reaper must leave alone.
            reconnected++;
            Assert.True(lifecycle.Streams.TryGet(stream.Id, out var still) && ReferenceEquals(still, stream));
            Assert.True(stream.HasClient($"client_{i}"));
            Assert.False(stream.Lifetime.IsCancellationRequested);
            lifecycle.DisconnectClient(again);
            Assert.Equal(2, StopsOf(race.Proxy, stream.Id));
            await AdvanceAfterDeliveriesAsync(race, TimeSpan.FromSeconds(61));
            lifecycle.ReapIdle();
            Assert.Equal(2, StopsOf(race.Proxy, stream.Id));
            stops += 2;
        }

        await AssertEachStopDeliveredOnceAsync(race, stops);
        Assert.InRange(reconnected, 0, Iterations);
    }

    [Fact]
    public async Task RePostOfTheSameUrl_DuringTeardown_StopsEachLifetimeOnce()
    {
        await using var race = await StartAsync();
        var lifecycle = race.Proxy.Lifecycle;
        var stops = 0;
        for (var i = 0; i < Iterations; i++)
        {
            var definition = Definition(i);
            var first = lifecycle.Upsert(definition, out _);
            var client = lifecycle.RegisterClient(first, $"client_{i}", _viewer)!;

            StreamRecord? reposted = null;
            ClientRecord? rejoined = null;
            await RunTogetherAsync(
                () => lifecycle.RemoveStream(first, new StopReason("manual_deletion", new() { ["was_transcoded"] = false })),
                () =>
                {
                    reposted = lifecycle.Upsert(definition, out _);
                    rejoined = lifecycle.RegisterClient(reposted, $"client_{i}", _viewer);
                });

            // The old lifetime ended once, whoever came first.
            Assert.Equal(first.Id, reposted!.Id);
            var lifetimes = ReferenceEquals(reposted, first) ? 1 : 2;
            if (lifetimes == 1)
            {
                // Joined the old record (or found itself still on it), which the DELETE then removed.
                Assert.True(rejoined is null || !rejoined.IsConnected);
            }

            // End whatever is left, as a shutdown would.
            lifecycle.StopAll("server_shutdown");
            Assert.Equal(lifetimes, StopsOf(race.Proxy, first.Id));
            Assert.False(client.IsConnected);
            stops += lifetimes;
        }

        await AssertEachStopDeliveredOnceAsync(race, stops);
    }

    [Fact]
    public async Task RegisteringTheWebhookAgain_DuringTeardown_NeverDuplicatesNorLosesAStop()
    {
        await using var race = await StartAsync();
        var lifecycle = race.Proxy.Lifecycle;
        var webhook = $$"""{"url":"{{race.Receiver.Url("/editor")}}","events":["stream_stopped"]}""";
        for (var i = 0; i < Iterations / 3; i++)
        {
            var stream = lifecycle.Upsert(Definition(i), out _);
            var client = lifecycle.RegisterClient(stream, $"client_{i}", _viewer)!;
            var repost = race.Proxy.SendAsync(HttpMethod.Post, "webhooks", json: webhook);
            lifecycle.DisconnectClient(client);
            Assert.Equal(200, (await repost).Status);
        }

        await AssertEachStopDeliveredOnceAsync(race, Iterations / 3);
    }
}
