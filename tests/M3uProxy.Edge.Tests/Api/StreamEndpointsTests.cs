using M3uProxy.Edge.Events;
using M3uProxy.Edge.Tests.Infrastructure;

namespace M3uProxy.Edge.Tests.Api;

public sealed class StreamEndpointsTests
{
    private const string HlsUrl = "https://cdn.example.com/live/channel1/master.m3u8";
    private const string LiveUrl = "http://provider.example.com/live/user/pass/1234.ts";

    [Fact]
    public async Task Create_ReturnsReferenceShape_WithMd5IdAndStringifiedMetadata()
    {
        await using var host = await ProxyHost.StartAsync();
        var (status, body, _) = await host.SendAsync(HttpMethod.Post, "streams", json: $$$"""
            {"url":"{{{HlsUrl}}}","failover_urls":["https://backup.example.com/live/channel1/master.m3u8"],
             "user_agent":"VLC/3.0.20","headers":{"Referer":"https://portal.example.com/"},
             "metadata":{"id":42,"type":"channel","is_failover":false,"ratio":4.0,"big":1e16}}
            """);

        Assert.Equal(200, status);
        var json = body!.AsObject();
        Assert.Equal("1da10a6825c46b8e29504e1951efa2a4", (string?)json["stream_id"]);
        Assert.Equal(HlsUrl, (string?)json["primary_url"]);
        Assert.Equal("VLC/3.0.20", (string?)json["user_agent"]);
        Assert.Equal("hls", (string?)json["stream_type"]);
        Assert.Equal("/hls/1da10a6825c46b8e29504e1951efa2a4/playlist.m3u8", (string?)json["stream_endpoint"]);
        Assert.Equal((string?)json["stream_endpoint"], (string?)json["playlist_url"]);
        Assert.Equal((string?)json["stream_endpoint"], (string?)json["direct_url"]);
        Assert.Equal("Stream created successfully (hls)", (string?)json["message"]);
        Assert.Equal(["https://backup.example.com/live/channel1/master.m3u8"], json["failover_urls"]!.AsArray().Select(n => (string?)n));
        var metadata = json["metadata"]!.AsObject();
        Assert.Equal("42", (string?)metadata["id"]);
        Assert.Equal("False", (string?)metadata["is_failover"]);
        Assert.Equal("4.0", (string?)metadata["ratio"]);
        Assert.Equal("1e+16", (string?)metadata["big"]);
    }

    [Fact]
    public async Task Create_LiveTs_IsDirect_WithDefaultUserAgent_AndNoMetadataKey()
    {
        await using var host = await ProxyHost.StartAsync();
        var json = await host.CreateStreamAsync(new { url = LiveUrl });

        Assert.Equal("082ebdd9d6bdf89b452db55b65677ec9", (string?)json["stream_id"]);
        Assert.Equal("direct", (string?)json["stream_type"]);
        Assert.Equal("/stream/082ebdd9d6bdf89b452db55b65677ec9", (string?)json["stream_endpoint"]);
        Assert.Contains("Chrome/115.0.0.0", (string?)json["user_agent"], StringComparison.Ordinal);
        Assert.False(json.ContainsKey("metadata"));
        Assert.Empty(json["failover_urls"]!.AsArray());
    }

    [Fact]
    public async Task Create_EmitsStreamStarted_WithReferenceDataKeys()
    {
        await using var host = await ProxyHost.StartAsync();
        await host.CreateStreamAsync(new { url = LiveUrl, metadata = new { provider_profile_id = 7 } });

        var started = Assert.Single(host.EventsOf(EventType.StreamStarted));
        Assert.Equal("082ebdd9d6bdf89b452db55b65677ec9", started.StreamId);
        Assert.Equal(["primary_url", "failover_urls", "user_agent", "stream_type", "metadata"], started.Data.Select(p => p.Key));
        Assert.Equal("direct", (string?)started.Data["stream_type"]);
        Assert.Equal("7", (string?)started.Data["metadata"]!["provider_profile_id"]);
    }

    [Fact]
    public async Task Create_SameUrlTwice_GivesOneStream()
    {
        await using var host = await ProxyHost.StartAsync();
        var first = await host.CreateStreamAsync(new { url = LiveUrl });
        var second = await host.CreateStreamAsync(new { url = LiveUrl });

        Assert.Equal((string?)first["stream_id"], (string?)second["stream_id"]);
        var (_, list, _) = await host.GetAsync("streams");
        Assert.Equal(1, (int?)list!["total"]);
    }

    [Fact]
    public async Task Create_ConcurrentSameUrl_YieldsOneStream()
    {
        await using var host = await ProxyHost.StartAsync();
        var creates = Enumerable.Range(0, 40).Select(_ => host.CreateStreamAsync(new { url = LiveUrl }));
        var results = await Task.WhenAll(creates);

        Assert.Single(results.Select(r => (string?)r["stream_id"]).Distinct());
        var (_, list, _) = await host.GetAsync("streams");
        Assert.Equal(1, (int?)list!["total"]);
    }

    [Fact]
    public async Task Recreate_WithoutClients_ReplacesParameters_AndKeepsCreatedAt()
    {
        await using var host = await ProxyHost.StartAsync();
        await host.CreateStreamAsync(new { url = LiveUrl, user_agent = "old" });
        var (_, before, _) = await host.GetAsync("streams/082ebdd9d6bdf89b452db55b65677ec9");
        await host.CreateStreamAsync(new { url = LiveUrl, user_agent = "new" });
        var (_, after, _) = await host.GetAsync("streams/082ebdd9d6bdf89b452db55b65677ec9");

        Assert.Equal("new", (string?)after!["stream"]!["user_agent"]);
        Assert.Equal((string?)before!["stream"]!["created_at"], (string?)after["stream"]!["created_at"]);
    }

    [Fact]
    public async Task Recreate_WithClient_KeepsOldParameters()
    {
        await using var host = await ProxyHost.StartAsync();
        await host.CreateStreamAsync(new { url = LiveUrl, user_agent = "old" });
        Assert.True(host.Lifecycle.Streams.TryGet("082ebdd9d6bdf89b452db55b65677ec9", out var stream));
        host.Lifecycle.RegisterClient(stream, "client_a", new("10.0.0.1", "VLC", null));

        var answer = await host.CreateStreamAsync(new { url = LiveUrl, user_agent = "new" });

        Assert.Equal("old", (string?)answer["user_agent"]);
        Assert.Equal("old", stream.Definition.UserAgent);
    }

    [Fact]
    public async Task GetStream_ShowsStatsAndConnectedClients()
    {
        await using var host = await ProxyHost.StartAsync();
        await host.CreateStreamAsync(new { url = LiveUrl, headers = new Dictionary<string, string> { ["Cookie"] = "secret" } });
        Assert.True(host.Lifecycle.Streams.TryGet("082ebdd9d6bdf89b452db55b65677ec9", out var stream));
        host.Lifecycle.RegisterClient(stream, "client_a", new("10.0.0.1", "VLC", "alice"));

        var (status, body, _) = await host.GetAsync("streams/082ebdd9d6bdf89b452db55b65677ec9");

        Assert.Equal(200, status);
        var streamJson = body!["stream"]!.AsObject();
        string[] expectedKeys =
        [
            "stream_id", "original_url", "current_url", "user_agent", "client_count", "total_bytes_served",
            "total_segments_served", "error_count", "is_active", "has_failover", "failover_urls",
            "failover_resolver_url", "current_failover_index", "failover_attempts", "last_failover_time",
            "stream_type", "created_at", "last_access", "metadata", "headers", "source_state", "media_info",
        ];
        Assert.Equal(expectedKeys, streamJson.Select(p => p.Key));
        Assert.Equal("Live Continuous", (string?)streamJson["stream_type"]);
        Assert.Equal(-1, (int?)streamJson["current_failover_index"]);
        Assert.Equal(1, (int?)streamJson["client_count"]);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$", (string?)streamJson["created_at"]);
        Assert.Equal("***", (string?)streamJson["headers"]!["Cookie"]);
        Assert.Equal(1, (int?)body["client_count"]);
        var client = body["clients"]!.AsArray().Single()!.AsObject();
        Assert.Equal("client_a", (string?)client["client_id"]);
        Assert.Equal("alice", (string?)client["username"]);
        Assert.Equal(["client_id", "stream_id", "user_agent", "ip_address", "username", "bytes_served", "segments_served", "created_at", "last_access", "is_connected"], client.Select(p => p.Key));
    }

    [Theory]
    [InlineData("streams/0123456789abcdef0123456789abcdef")]
    [InlineData("streams/..%2F..%2Fetc")]
    public async Task GetStream_Unknown_Is404Detail(string path)
    {
        await using var host = await ProxyHost.StartAsync();
        var (status, body, _) = await host.GetAsync(path);

        Assert.Equal(404, status);
        Assert.Equal("Stream not found", (string?)body!["detail"]);
    }

    [Fact]
    public async Task Delete_EndsStream_WithOneStreamStoppedManualDeletion()
    {
        await using var host = await ProxyHost.StartAsync();
        await host.CreateStreamAsync(new { url = LiveUrl, metadata = new { provider_profile_id = 3 } });
        Assert.True(host.Lifecycle.Streams.TryGet("082ebdd9d6bdf89b452db55b65677ec9", out var stream));
        host.Lifecycle.RegisterClient(stream, "client_a", new("10.0.0.1", "VLC", null));

        var (status, body, _) = await host.SendAsync(HttpMethod.Delete, "streams/082ebdd9d6bdf89b452db55b65677ec9");
        var (again, _, _) = await host.SendAsync(HttpMethod.Delete, "streams/082ebdd9d6bdf89b452db55b65677ec9");

        Assert.Equal(200, status);
        Assert.Equal("Stream 082ebdd9d6bdf89b452db55b65677ec9 deleted", (string?)body!["message"]);
        Assert.Equal(404, again);
        Assert.True(stream.Lifetime.IsCancellationRequested);
        var stopped = Assert.Single(host.EventsOf(EventType.StreamStopped));
        Assert.Equal("manual_deletion", (string?)stopped.Data["reason"]);
        Assert.False((bool)stopped.Data["was_transcoded"]!);
        Assert.Equal("3", (string?)stopped.Data["metadata"]!["provider_profile_id"]);
        Assert.Single(host.EventsOf(EventType.ClientDisconnected));
    }

    [Theory]
    [InlineData("""{"url":"ftp://x/y.m3u8"}""", "value_error", "Value error, URL must use HTTP or HTTPS protocol", "url")]
    [InlineData("""{"url":""}""", "value_error", "Value error, URL cannot be empty", "url")]
    [InlineData("""{"url":"javascript:alert(1)"}""", "value_error", "Value error, URL must use HTTP or HTTPS protocol", "url")]
    [InlineData("""{"url":"http://"}""", "value_error", "Value error, URL must have a valid domain", "url")]
    [InlineData("""{"url":"file:///etc/passwd"}""", "value_error", "Value error, URL must use HTTP or HTTPS protocol", "url")]
    [InlineData("""{"user_agent":"x"}""", "missing", "Field required", "url")]
    [InlineData("""{"url":42}""", "string_type", "Input should be a valid string", "url")]
    [InlineData("""{"url":"http://a/b.ts","failover_urls":"http://c/d.ts"}""", "list_type", "Input should be a valid list", "failover_urls")]
    [InlineData("""{"url":"http://a/b.ts","failover_urls":["ftp://c/d.ts"]}""", "value_error", "Value error, URL must use HTTP or HTTPS protocol", "failover_urls")]
    [InlineData("""{"url":"http://a/b.ts","strict_live_ts":"maybe"}""", "bool_parsing", "Input should be a valid boolean, unable to interpret input", "strict_live_ts")]
    [InlineData("""{"url":"http://a/b.ts","headers":["x"]}""", "dict_type", "Input should be a valid dictionary", "headers")]
    [InlineData("""{"url":"http://a/b.ts","silence_failover_threshold":1.5}""", "int_from_float", "Input should be a valid integer, got a number with a fractional part", "silence_failover_threshold")]
    public async Task Create_InvalidField_Is422WithPydanticShape(string json, string type, string message, string field)
    {
        await using var host = await ProxyHost.StartAsync();
        var (status, body, _) = await host.SendAsync(HttpMethod.Post, "streams", json: json);

        Assert.Equal(422, status);
        var error = body!["detail"]!.AsArray().First()!.AsObject();
        Assert.Equal(type, (string?)error["type"]);
        Assert.Equal(message, (string?)error["msg"]);
        Assert.Equal("body", (string?)error["loc"]![0]);
        Assert.Equal(field, (string?)error["loc"]![1]);
        Assert.True(error.ContainsKey("input"));
    }

    [Theory]
    [InlineData("""{"url":"http://a/b.ts","metadata":{"nested":{"a":1}}}""")]
    [InlineData("""{"url":"http://a/b.ts","metadata":{"list":[1,2]}}""")]
    [InlineData("""{"url":"http://a/b.ts","metadata":{"none":null}}""")]
    public async Task Create_NonScalarMetadata_Is422(string json)
    {
        await using var host = await ProxyHost.StartAsync();
        var (status, body, _) = await host.SendAsync(HttpMethod.Post, "streams", json: json);

        Assert.Equal(422, status);
        var locs = body!["detail"]!.AsArray().Select(e => string.Join("/", e!["loc"]!.AsArray().Select(l => l!.ToString()))).ToList();
        Assert.Contains(locs, l => l.StartsWith("body/metadata/", StringComparison.Ordinal) && l.EndsWith("/str", StringComparison.Ordinal));
        Assert.Empty(host.EventsOf(EventType.StreamStarted));
    }

    [Fact]
    public async Task Create_DataWordInPath_IsAccepted()
    {
        // The reference rejects any URL containing "data:" anywhere (seed-spec §2.3 [BUG]).
        await using var host = await ProxyHost.StartAsync();
        var json = await host.CreateStreamAsync(new { url = "http://a.example/metadata:1/x.ts" });
        Assert.Equal("direct", (string?)json["stream_type"]);
    }
}
