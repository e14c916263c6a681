using System.Diagnostics;
using System.Text.Json.Nodes;
using M3uProxy.Edge.Events;
using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Tests.Infrastructure;
using M3uProxy.Edge.Tests.Playback;

namespace M3uProxy.Edge.Tests.Failover;

/// <summary>Each failover trigger against real loopback origins; viewers keep their response across a switch.</summary>
[Collection(StreamingTests.Name)]
public sealed class LiveFailoverTests
{
    private const string Primary = "/live/user/pass/1.ts";
    private const string Backup = "/backup/user/pass/1.ts";

    private static readonly byte[] _primaryPackets = TsPacketFactory.Create(20_000);

    // The backup's packets are numbered from 10,000, so a viewer can tell which source it reads.
    private static readonly byte[] _backupPackets = TsPacketFactory.Create(30_000)[(188 * 10_000)..];

    private static readonly Dictionary<string, string?> _fastRetries = new()
    {
        ["STREAM_RETRY_ATTEMPTS"] = "1",
        ["STREAM_RETRY_DELAY"] = "0.1",
        ["LIVE_CHUNK_TIMEOUT_SECONDS"] = "1",
    };

    private static async Task<(FakeOrigin Origin, ProxyHost Proxy, string Url)> StartAsync(OriginBehavior? primaryBehavior = null, Dictionary<string, string?>? settings = null, object? extra = null)
    {
        var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddLive(Primary, _primaryPackets, 400_000, behavior: primaryBehavior);
        origin.AddLive(Backup, _backupPackets, 400_000);
        var proxy = await ProxyHost.StartAsync(settings ?? _fastRetries);
        var url = await proxy.StreamUrlAsync(origin.Url(Primary), extra ?? new { failover_urls = new[] { origin.Url(Backup) } });
        return (origin, proxy, url);
    }

    private static List<int> PacketIndices(byte[] data)
    {
        var whole = data.Length / 188 * 188;
        Assert.True(TsPacketFactory.IsAligned(data.AsSpan(0, whole)), "the viewer's stream lost packet alignment");
        return Enumerable.Range(0, whole / 188).Select(i => TsPacketFactory.PacketIndexAt(data.AsSpan(i * 188))).ToList();
    }

    private static bool SawBackup(List<int> indices) => indices.Any(i => i >= 10_000);

    [Fact]
    public async Task PrimaryAnswering500_FailsOverBeforeTheFirstByte()
    {
        var (origin, proxy, url) = await StartAsync(new OriginBehavior { StatusCode = 500 });
        await using var _ = origin;
        await using var __ = proxy;
        using var client = new MediaClient();

        using var response = await client.OpenAsync(url, cancellationToken: TestContext.Current.CancellationToken);
        var data = await MediaClient.ReadAtLeastAsync(response, 188 * 50, TimeSpan.FromSeconds(10));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.All(PacketIndices(data), i => Assert.True(i >= 10_000));
        Assert.Equal(2, origin.RequestCount(Primary)); // the first try and one retry
        var failover = Assert.Single(proxy.EventsOf(EventType.FailoverTriggered));
        Assert.Equal("stream_error_HTTPStatusError_after_retries", (string?)failover.Data["reason"]);
        Assert.Equal(origin.Url(Backup), (string?)failover.Data["new_url"]);
        Assert.Equal(0, (int?)failover.Data["failover_index"]);
        Assert.Equal(1, (int?)failover.Data["attempt_number"]);
    }

    [Theory]
    [InlineData("drop")]
    [InlineData("reset")]
    [InlineData("stall")]
    public async Task MidStreamFailure_ViewerKeepsItsResponse_AndContinuesFromTheBackup(string fault)
    {
        var behavior = fault switch
        {
            "drop" => new OriginBehavior { DropAfterBytes = 188 * 1000 },
            "reset" => new OriginBehavior { ResetAfterBytes = 188 * 1000 },
            _ => new OriginBehavior { StallAfterBytes = 188 * 1000 },
        };
        var settings = new Dictionary<string, string?>(_fastRetries) { ["STREAM_RETRY_ATTEMPTS"] = "0" };
        var (origin, proxy, url) = await StartAsync(behavior, settings);
        await using var _ = origin;
        await using var __ = proxy;
        using var client = new MediaClient();

        using var response = await client.OpenAsync(url, cancellationToken: TestContext.Current.CancellationToken);
        var (data, reads) = await Watching.WatchAsync(response, TimeSpan.FromSeconds(fault == "stall" ? 3.5 : 2.5));

        var indices = PacketIndices(data);
        Assert.Contains(indices, i => i < 10_000);
        Assert.True(SawBackup(indices), $"no backup data after the {fault}");
        var gap = reads.Zip(reads.Skip(1), (a, b) => b.At - a.At).Max();
        var allowed = fault == "stall" ? 2_500 : 1_000;
        Assert.True(gap < allowed, $"longest gap {gap} ms");
        var failover = Assert.Single(proxy.EventsOf(EventType.FailoverTriggered));
        Assert.Equal(fault == "stall" ? "chunk_timeout_after_retries" : fault == "drop" ? "live_stream_silent_close" : "stream_error_ReadError_after_retries", (string?)failover.Data["reason"]);
        Assert.Equal(1, (int?)failover.Data["client_count"]);
    }

    [Fact]
    public async Task ManualFailover_SwitchesEveryViewerAtOnce_ExactlyOnce()
    {
        var (origin, proxy, url) = await StartAsync();
        await using var _ = origin;
        await using var __ = proxy;
        using var client = new MediaClient();
        var streamId = url[(url.LastIndexOf('/') + 1)..];
        using var response = await client.OpenAsync(url, cancellationToken: TestContext.Current.CancellationToken);
        JsonNode? answer = null;
        long requestedAt = 0;
        var clock = Stopwatch.StartNew();

        var (data, reads) = await Watching.WatchAsync(response, TimeSpan.FromSeconds(2.5), async () =>
        {
            requestedAt = clock.ElapsedMilliseconds;
            answer = (await proxy.SendAsync(HttpMethod.Post, $"streams/{streamId}/failover")).Body;
        });

        Assert.Equal("Failover triggered successfully - all clients will seamlessly reconnect", (string?)answer!["message"]);
        Assert.Equal(origin.Url(Backup), (string?)answer["new_url"]);
        Assert.Equal(0, (int?)answer["failover_index"]);
        Assert.Equal(1, (int?)answer["failover_attempts"]);
        Assert.Equal(1, (int?)answer["active_clients"]);
        Assert.Equal("Live Continuous", (string?)answer["stream_type"]);
        Assert.True(SawBackup(PacketIndices(data)));
        var gap = reads.Zip(reads.Skip(1), (a, b) => b.At - a.At).Max();
        Assert.True(gap < 500, $"longest gap across the manual failover: {gap} ms");
        var failover = Assert.Single(proxy.EventsOf(EventType.FailoverTriggered));
        Assert.Equal("manual", (string?)failover.Data["reason"]);
        var (_, stats, _) = await proxy.GetAsync($"streams/{streamId}");
        Assert.Equal(origin.Url(Backup), (string?)stats!["stream"]!["current_url"]);
        Assert.Equal(0, (int?)stats["stream"]!["current_failover_index"]);
        Assert.NotNull((string?)stats["stream"]!["last_failover_time"]);
    }

    [Fact]
    public async Task ManualFailover_Answers404_400_AndRingWrapsToThePrimary()
    {
        var (origin, proxy, url) = await StartAsync();
        await using var _ = origin;
        await using var __ = proxy;
        var streamId = url[(url.LastIndexOf('/') + 1)..];
        var plain = await proxy.CreateStreamAsync(new { url = origin.Url("/live/other.ts") });

        Assert.Equal(404, (await proxy.SendAsync(HttpMethod.Post, "streams/0123456789abcdef0123456789abcdef/failover")).Status);
        var (noMechanism, detail, _) = await proxy.SendAsync(HttpMethod.Post, $"streams/{(string?)plain["stream_id"]}/failover");
        Assert.Equal(400, noMechanism);
        Assert.Equal("No failover mechanism configured for this stream (neither failover_urls nor failover_resolver_url)", (string?)detail!["detail"]);

        Assert.Equal(origin.Url(Backup), (string?)(await proxy.SendAsync(HttpMethod.Post, $"streams/{streamId}/failover")).Body!["new_url"]);
        var (_, wrapped, _) = await proxy.SendAsync(HttpMethod.Post, $"streams/{streamId}/failover");
        Assert.Equal(origin.Url(Primary), (string?)wrapped!["new_url"]);
        Assert.Equal(-1, (int?)wrapped["failover_index"]);
    }

    [Fact]
    public async Task Resolver_IsAskedWithTheReferencePayload_AndItsAnswerIsUsed()
    {
        await using var resolver = await TinyOrigin.StartAsync();
        var (origin, proxy, _) = await StartAsync(new OriginBehavior { StatusCode = 502 });
        await using var __ = origin;
        await using var ___ = proxy;
        resolver.Answer("/resolve", $$"""{"next_url":"{{origin.Url(Backup)}}"}""");
        var url = await proxy.StreamUrlAsync(origin.Url(Primary) + "?resolver=1", new { failover_resolver_url = resolver.Url("/resolve"), metadata = new { id = 42, playlist_uuid = "p1" } });
        using var client = new MediaClient();

        using var response = await client.OpenAsync(url, cancellationToken: TestContext.Current.CancellationToken);
        var data = await MediaClient.ReadAtLeastAsync(response, 188 * 50, TimeSpan.FromSeconds(10));

        Assert.All(PacketIndices(data), i => Assert.True(i >= 10_000));
        var call = JsonNode.Parse(Assert.Single(resolver.Bodies("/resolve")))!;
        Assert.Equal(origin.Url(Primary) + "?resolver=1", (string?)call["current_url"]);
        Assert.Equal("42", (string?)call["metadata"]!["id"]);
        Assert.Equal(-1, (int?)call["current_failover_index"]);
        Assert.Equal(502, (int?)call["status_code"]);
        Assert.Equal("stream_error_HTTPStatusError_after_retries", (string?)call["reason"]);
    }

    [Fact]
    public async Task ResolverFailing_EndsTheStreamWithStreamFailed_AndManualFailoverIs409()
    {
        await using var resolver = await TinyOrigin.StartAsync();
        resolver.Answer("/resolve", """{"next_url":null}""");
        var (origin, proxy, _) = await StartAsync(new OriginBehavior { StatusCode = 503 });
        await using var __ = origin;
        await using var ___ = proxy;
        var url = await proxy.StreamUrlAsync(origin.Url(Primary) + "?r=2", new { failover_resolver_url = resolver.Url("/resolve") });
        var streamId = url[(url.LastIndexOf('/') + 1)..];
        using var client = new MediaClient();

        using var response = await client.OpenAsync(url, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(502, (int)response.StatusCode);
        var failed = Assert.Single(proxy.EventsOf(EventType.StreamFailed));
        Assert.Equal("no_failover_available", (string?)failed.Data["reason"]);
        Assert.Equal(409, (await proxy.SendAsync(HttpMethod.Post, $"streams/{streamId}/failover")).Status);
    }

    [Fact]
    public async Task ExhaustedRing_EndsTheStreamWithStreamFailed()
    {
        var (origin, proxy, _) = await StartAsync(new OriginBehavior { StatusCode = 500 });
        await using var __ = origin;
        await using var ___ = proxy;
        origin.SetBehavior(Backup, new OriginBehavior { StatusCode = 500 });
        var url = await proxy.StreamUrlAsync(origin.Url(Primary) + "?ring=1", new { failover_urls = new[] { origin.Url(Backup) } });
        using var client = new MediaClient();

        using var response = await client.OpenAsync(url, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(502, (int)response.StatusCode);
        var failed = Assert.Single(proxy.EventsOf(EventType.StreamFailed));
        Assert.Equal("no_failover_available", (string?)failed.Data["reason"]);
        Assert.Single(proxy.EventsOf(EventType.FailoverTriggered));
    }

    [Fact]
    public async Task FfmpegDecodesAcrossAManualFailover_WithoutErrors()
    {
        var media = await File.ReadAllBytesAsync(await TestMedia.GetTsFileAsync(), TestContext.Current.CancellationToken);
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddLive(Primary, media, media.Length / 5);
        origin.AddLive(Backup, media, media.Length / 5);
        await using var proxy = await ProxyHost.StartAsync(_fastRetries);
        var url = await proxy.StreamUrlAsync(origin.Url(Primary), new { failover_urls = new[] { origin.Url(Backup) } });
        var streamId = url[(url.LastIndexOf('/') + 1)..];

        var decode = Decoder.DecodeAsync(url, 4);
        await Task.Delay(1500, TestContext.Current.CancellationToken);
        Assert.Equal(200, (await proxy.SendAsync(HttpMethod.Post, $"streams/{streamId}/failover")).Status);
        var result = await decode;

        Assert.Equal(0, result.ExitCode);
        Assert.True(result.StandardError.Trim().Length == 0, result.StandardError);
        Assert.Equal(1, origin.RequestCount(Backup));
    }
}
