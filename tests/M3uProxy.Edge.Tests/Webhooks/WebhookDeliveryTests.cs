using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using M3uProxy.Edge.Clients;
using M3uProxy.Edge.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace M3uProxy.Edge.Tests.Webhooks;

/// <summary>Deliveries to real receivers on loopback: payloads, filters, retries, isolation, signatures, shutdown.</summary>
public sealed partial class WebhookDeliveryTests
{
    private static readonly ClientIdentity _viewer = new("203.0.113.7", "VLC/3.0.20", "alice");

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$")]
    private static partial Regex NaiveTimestamp();

    private static async Task RegisterAsync(ProxyHost proxy, string json)
    {
        var (status, body, _) = await proxy.SendAsync(HttpMethod.Post, "webhooks", json: json);
        Assert.True(status == 200, body?.ToJsonString());
    }

    /// <summary>A stream's whole life through the lifecycle: started, one viewer joins and leaves.</summary>
    private static async Task<string> PlayOnceAsync(ProxyHost proxy, string url, string clientId = "client_c52c86ba74bfcc49")
    {
        var created = await proxy.CreateStreamAsync(new { url, metadata = new { provider_profile_id = 7, is_failover = false } });
        Assert.True(proxy.Lifecycle.Streams.TryGet((string)created["stream_id"]!, out var stream));
        var client = proxy.Lifecycle.RegisterClient(stream, clientId, _viewer)!;
        client.AddBytes(1000, DateTimeOffset.UtcNow);
        proxy.Lifecycle.DisconnectClient(client);
        return stream.Id;
    }

    [Fact]
    public async Task Payloads_HaveTheReferenceEnvelopeHeadersAndDataKeys_InOrder()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var proxy = await ProxyHost.StartAsync();
        await RegisterAsync(proxy, $$$"""{"url":"{{{receiver.Url("/hook")}}}","headers":{"X-Secret":"abc"}}""");

        var streamId = await PlayOnceAsync(proxy, "http://provider.example/live/user/pass/1234.ts");

        var received = await receiver.WaitForAsync("/hook", r => r.Count >= 4);
        Assert.Equal(["stream_started", "client_connected", "client_disconnected", "stream_stopped"], received.Select(r => r.EventType));
        foreach (var delivery in received)
        {
            var json = delivery.Json;
            Assert.Equal(["event_id", "event_type", "stream_id", "timestamp", "data"], json.Select(p => p.Key));
            Assert.Equal(streamId, (string?)json["stream_id"]);
            Assert.Matches(NaiveTimestamp(), (string)json["timestamp"]!);
            Assert.Equal("application/json", delivery.Headers["Content-Type"]);
            Assert.Equal("M3U-Proxy-Webhook/1.0", delivery.Headers["User-Agent"]);
            Assert.Equal("abc", delivery.Headers["X-Secret"]);
            Assert.False(delivery.Headers.ContainsKey("X-M3U-Proxy-Signature"));
            Assert.Equal("7", (string?)json["data"]!["metadata"]!["provider_profile_id"]);
            Assert.Equal("False", (string?)json["data"]!["metadata"]!["is_failover"]);
        }

        Assert.Equal(["primary_url", "failover_urls", "user_agent", "stream_type", "metadata"], received[0].Json["data"]!.AsObject().Select(p => p.Key));
        Assert.Equal("http://provider.example/live/user/pass/1234.ts", (string?)received[0].Json["data"]!["primary_url"]);
        Assert.Equal(["client_id", "user_agent", "ip_address", "username", "stream_client_count", "metadata"], received[1].Json["data"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["client_id", "connection_id", "bytes_served", "segments_served", "metadata"], received[2].Json["data"]!.AsObject().Select(p => p.Key));
        var stopped = received[3].Json["data"]!;
        Assert.Equal(["reason", "client_id", "bytes_served", "metadata"], stopped.AsObject().Select(p => p.Key));
        Assert.Equal("last_client_disconnected", (string?)stopped["reason"]);
        Assert.Equal(1000, (long?)stopped["bytes_served"]);
    }

    [Fact]
    public async Task EachWebhook_GetsOnlyTheEventTypesItAskedFor()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var proxy = await ProxyHost.StartAsync();
        await RegisterAsync(proxy, $$"""{"url":"{{receiver.Url("/stops")}}","events":["stream_stopped"]}""");
        await RegisterAsync(proxy, $$"""{"url":"{{receiver.Url("/all")}}"}""");

        await PlayOnceAsync(proxy, "http://provider.example/live/1.ts");
        await PlayOnceAsync(proxy, "http://provider.example/live/2.ts");

        await receiver.WaitForAsync("/all", r => r.Count >= 8);
        var stops = await receiver.WaitForAsync("/stops", r => r.Count >= 2);
        await Task.Delay(200, TestContext.Current.CancellationToken);
        Assert.Equal(2, receiver.Received("/stops").Count);
        Assert.All(stops, r => Assert.Equal("stream_stopped", r.EventType));
    }

    /// <summary>Moves the fake clock a second at a time until the receiver has <paramref name="count"/> requests.</summary>
    private static async Task<IReadOnlyList<ReceivedWebhook>> AdvanceUntilAsync(FakeTimeProvider time, WebhookReceiver receiver, string path, int count)
    {
        for (var step = 0; step < 600 && receiver.Received(path).Count < count; step++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        return await receiver.WaitForAsync(path, r => r.Count >= count);
    }

    [Fact]
    public async Task ServerErrors_AreRetriedWithBackoffOnTheClock_ThenDelivered()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var proxy = await ProxyHost.StartAsync(time: time);
        receiver.FailWith("/flaky", 500, 503);
        await RegisterAsync(proxy, $$"""{"url":"{{receiver.Url("/flaky")}}","events":["stream_started"],"retry_attempts":3,"timeout":3600}""");

        await proxy.CreateStreamAsync(new { url = "http://provider.example/live/1.ts" });

        // The first attempt goes at once; a retry waits for the clock.
        await receiver.WaitForAsync("/flaky", r => r.Count == 1);
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.Single(receiver.Received("/flaky"));
        var received = await AdvanceUntilAsync(time, receiver, "/flaky", 3);

        Assert.Single(received.Select(r => r.EventId).Distinct());
        // The third attempt got 200: nothing more, however long we wait.
        for (var i = 0; i < 20; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.Equal(3, receiver.Received("/flaky").Count);
    }

    [Fact]
    public async Task RetriesStop_AfterRetryAttempts()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var proxy = await ProxyHost.StartAsync(time: time);
        receiver.FailWith("/down", 502, 502, 502, 502, 502);
        await RegisterAsync(proxy, $$"""{"url":"{{receiver.Url("/down")}}","events":["stream_started"],"retry_attempts":2,"timeout":3600}""");

        await proxy.CreateStreamAsync(new { url = "http://provider.example/live/1.ts" });
        await AdvanceUntilAsync(time, receiver, "/down", 3);
        for (var i = 0; i < 30; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.Equal(3, receiver.Received("/down").Count);
    }

    [Fact]
    public void Backoff_Is1_2_4Seconds_CappedAtAMinute()
    {
        Assert.Equal([1, 2, 4, 8, 60, 60], new[] { 1, 2, 3, 4, 7, 40 }.Select(a => M3uProxy.Edge.Webhooks.WebhookSender.Backoff(a).TotalSeconds));
    }

    [Fact]
    public async Task AHangingReceiver_DelaysNeitherAHealthyOne_NorTheApi()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var proxy = await ProxyHost.StartAsync();
        receiver.Hang("/stuck");
        await RegisterAsync(proxy, $$"""{"url":"{{receiver.Url("/stuck")}}","timeout":60}""");
        await RegisterAsync(proxy, $$"""{"url":"{{receiver.Url("/healthy")}}"}""");

        for (var i = 0; i < 5; i++)
        {
            await PlayOnceAsync(proxy, $"http://provider.example/live/{i}.ts", $"client_{i}");
        }

        var healthy = await receiver.WaitForAsync("/healthy", r => r.Count == 20, timeoutSeconds: 10);
        Assert.Equal(5, healthy.Count(r => r.EventType == "stream_stopped"));
        // The stuck receiver holds its first event; the rest wait in its own queue, in order.
        Assert.Single(receiver.Received("/stuck"));

        receiver.Release("/stuck");
        var stuck = await receiver.WaitForAsync("/stuck", r => r.Count == 20);
        Assert.Equal(healthy.Select(r => r.EventId), stuck.Select(r => r.EventId));
    }

    [Fact]
    public async Task Signature_IsTheHmacOfTheExactBody_WithPerWebhookOrDefaultSecret()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var proxy = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["WEBHOOK_SECRET"] = "default-secret" });
        await RegisterAsync(proxy, $$$"""{"url":"{{{receiver.Url("/own")}}}","events":["stream_started"],"secret":"own-secret","headers":{"X-M3U-Proxy-Signature":"forged"}}""");
        await RegisterAsync(proxy, $$"""{"url":"{{receiver.Url("/default")}}","events":["stream_started"]}""");

        await proxy.CreateStreamAsync(new { url = "http://provider.example/live/1.ts" });

        var own = Assert.Single(await receiver.WaitForAsync("/own", r => r.Count == 1));
        var fallback = Assert.Single(await receiver.WaitForAsync("/default", r => r.Count == 1));
        Assert.Equal(Sign("own-secret", own.Body), own.Headers["X-M3U-Proxy-Signature"]);
        Assert.Equal(Sign("default-secret", fallback.Body), fallback.Headers["X-M3U-Proxy-Signature"]);
        Assert.NotEqual(Sign("default-secret", own.Body), own.Headers["X-M3U-Proxy-Signature"]);
    }

    private static string Sign(string secret, byte[] body)
        => "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    [Fact]
    public async Task FullQueue_DropsAndCountsNewEvents_WithoutBlocking()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var proxy = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["WEBHOOK_QUEUE_SIZE"] = "3" });
        receiver.Hang("/stuck");
        await RegisterAsync(proxy, $$"""{"url":"{{receiver.Url("/stuck")}}","events":["stream_started"],"timeout":60}""");

        for (var i = 0; i < 10; i++)
        {
            await proxy.CreateStreamAsync(new { url = $"http://provider.example/live/{i}.ts" });
        }

        await receiver.WaitForAsync("/stuck", r => r.Count == 1);
        // One in flight, three queued, six dropped.
        var (_, performance, _) = await proxy.GetAsync("stats/performance");
        Assert.Equal(6, (long?)performance!["error_stats"]!["webhook_events_dropped"]);
        Assert.Equal(3, (int?)performance["performance_metrics"]!["webhook_queue_depth"]);
        var (_, _, metrics) = await proxy.GetAsync("metrics");
        var text = await metrics.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains($"m3u_proxy_webhook_dropped_total{{webhook=\"{receiver.Url("/stuck")}\"}} 6", text, StringComparison.Ordinal);
        Assert.Contains($"m3u_proxy_webhook_queue{{webhook=\"{receiver.Url("/stuck")}\"}} 3", text, StringComparison.Ordinal);

        receiver.Release("/stuck");
        await receiver.WaitForAsync("/stuck", r => r.Count == 4);
    }

    [Fact]
    public async Task StreamStopped_HasReservedRoom_WhenAReceiversQueueIsFull()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var proxy = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["WEBHOOK_QUEUE_SIZE"] = "2" });
        receiver.Hang("/stuck");
        await RegisterAsync(proxy, $$"""{"url":"{{receiver.Url("/stuck")}}","events":["stream_started","stream_stopped"],"timeout":60}""");
        for (var i = 0; i < 6; i++)
        {
            await proxy.CreateStreamAsync(new { url = $"http://provider.example/live/{i}.ts", metadata = new { provider_profile_id = i } });
        }

        await receiver.WaitForAsync("/stuck", r => r.Count == 1);
        var stream = proxy.Lifecycle.Streams.Snapshot().Single(s => s.Definition.Url.EndsWith("/5.ts", StringComparison.Ordinal));
        Assert.True(proxy.Lifecycle.RemoveStream(stream, new M3uProxy.Edge.Events.StopReason("manual_deletion")));

        receiver.Release("/stuck");
        var received = await receiver.WaitForAsync("/stuck", r => r.Count == 4);
        Assert.Equal(["stream_started", "stream_started", "stream_started", "stream_stopped"], received.Select(r => r.EventType));
        Assert.Equal("5", (string?)received[3].Json["data"]!["metadata"]!["provider_profile_id"]);
    }

    [Fact]
    public async Task MaskUrls_MasksCredentialsInPayloadsAndStats_OtherwiseUrlsStayAsGiven()
    {
        const string Url = "http://user:pw@provider.example/live/alice/s3cret/1.ts?token=t0k";
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var plain = await ProxyHost.StartAsync();
        await using var masked = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["MASK_URLS"] = "true" });
        await RegisterAsync(plain, $$"""{"url":"{{receiver.Url("/plain")}}","events":["stream_started"]}""");
        await RegisterAsync(masked, $$"""{"url":"{{receiver.Url("/masked")}}","events":["stream_started"]}""");

        await plain.CreateStreamAsync(new { url = Url, failover_urls = new[] { Url } });
        await masked.CreateStreamAsync(new { url = Url, failover_urls = new[] { Url } });

        var asGiven = Assert.Single(await receiver.WaitForAsync("/plain", r => r.Count == 1)).Json["data"]!;
        Assert.Equal(Url, (string?)asGiven["primary_url"]);
        var hidden = Assert.Single(await receiver.WaitForAsync("/masked", r => r.Count == 1)).Json["data"]!;
        Assert.Equal("http://***@provider.example/live/***/***/1.ts?token=***", (string?)hidden["primary_url"]);
        Assert.Equal("http://***@provider.example/live/***/***/1.ts?token=***", (string?)hidden["failover_urls"]![0]);

        var (_, plainStats, _) = await plain.GetAsync("stats/streams");
        Assert.Equal(Url, (string?)plainStats!["streams"]![0]!["original_url"]);
        var (_, maskedStats, _) = await masked.GetAsync("stats/streams");
        var (_, byMetadata, _) = await masked.GetAsync("streams/by-metadata?field=x&value=&active_only=false");
        Assert.Equal("http://***@provider.example/live/***/***/1.ts?token=***", (string?)byMetadata!["matching_streams"]![0]!["url"]);
        var text = maskedStats!.ToJsonString();
        Assert.DoesNotContain("s3cret", text, StringComparison.Ordinal);
        Assert.DoesNotContain("t0k", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shutdown_DeliversTheLastStreamStoppedEvents()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var proxy = await ProxyHost.StartAsync();
        await using (proxy)
        {
            await RegisterAsync(proxy, $$"""{"url":"{{receiver.Url("/hook")}}","events":["stream_stopped"]}""");
            var created = await proxy.CreateStreamAsync(new { url = "http://provider.example/live/1.ts", metadata = new { provider_profile_id = 9 } });
            Assert.True(proxy.Lifecycle.Streams.TryGet((string)created["stream_id"]!, out var stream));
            proxy.Lifecycle.RegisterClient(stream, "client_a", _viewer);

            await proxy.StopAsync();
        }

        var stop = Assert.Single(receiver.Received("/hook"));
        Assert.Equal("server_shutdown", (string?)stop.Json["data"]!["reason"]);
        Assert.Equal("9", (string?)stop.Json["data"]!["metadata"]!["provider_profile_id"]);
    }
}
