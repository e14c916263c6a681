using System.Text.Json.Nodes;
using M3uProxy.Edge.Tests.Infrastructure;

namespace M3uProxy.Edge.Tests.Webhooks;

/// <summary><c>/webhooks</c> as the reference answers it (seed-spec §11.4), on the real app.</summary>
public sealed class WebhookApiTests
{
    private static readonly string[] _allEvents = ["stream_started", "stream_stopped", "stream_failed", "client_connected", "client_disconnected", "failover_triggered"];

    [Fact]
    public async Task Add_AppliesDefaults_NormalisesTheUrl_AndListingHidesHeaders()
    {
        await using var proxy = await ProxyHost.StartAsync();

        var (status, body, _) = await proxy.SendAsync(HttpMethod.Post, "webhooks", json: """{"url":"https://Hooks.Example.com","headers":{"X-Secret":"abc"}}""");

        Assert.Equal(200, status);
        Assert.Equal("Webhook added successfully", (string?)body!["message"]);
        Assert.Equal("https://hooks.example.com/", (string?)body["webhook_url"]);
        Assert.Equal(_allEvents, body["events"]!.AsArray().Select(e => (string)e!));

        var (_, list, _) = await proxy.GetAsync("webhooks");
        var webhook = Assert.Single(list!["webhooks"]!.AsArray())!.AsObject();
        Assert.Equal(["url", "events", "timeout", "retry_attempts"], webhook.Select(p => p.Key));
        Assert.Equal("https://hooks.example.com/", (string?)webhook["url"]);
        Assert.Equal(10, (int?)webhook["timeout"]);
        Assert.Equal(3, (int?)webhook["retry_attempts"]);
    }

    [Fact]
    public async Task AddingTheSameUrlAgain_UpdatesIt_InsteadOfRegisteringASecondReceiver()
    {
        await using var proxy = await ProxyHost.StartAsync();
        await proxy.SendAsync(HttpMethod.Post, "webhooks", json: """{"url":"http://editor.example/hook","events":["stream_started"]}""");

        var (status, body, _) = await proxy.SendAsync(HttpMethod.Post, "webhooks", json: """{"url":"http://editor.example/hook","events":["stream_stopped","client_connected"],"timeout":5,"retry_attempts":1}""");

        Assert.Equal(200, status);
        Assert.Equal(["stream_stopped", "client_connected"], body!["events"]!.AsArray().Select(e => (string)e!));
        var (_, list, _) = await proxy.GetAsync("webhooks");
        var webhook = Assert.Single(list!["webhooks"]!.AsArray())!;
        Assert.Equal(5, (int?)webhook["timeout"]);
        Assert.Equal(1, (int?)webhook["retry_attempts"]);
    }

    [Fact]
    public async Task Delete_RemovesByNormalisedUrl_ThenAnswers404()
    {
        await using var proxy = await ProxyHost.StartAsync();
        await proxy.SendAsync(HttpMethod.Post, "webhooks", json: """{"url":"https://x.example"}""");

        var (status, body, _) = await proxy.SendAsync(HttpMethod.Delete, "webhooks?webhook_url=" + Uri.EscapeDataString("https://x.example/"));
        Assert.Equal(200, status);
        Assert.Equal("Webhook https://x.example/ removed successfully", (string?)body!["message"]);

        (status, body, _) = await proxy.SendAsync(HttpMethod.Delete, "webhooks?webhook_url=" + Uri.EscapeDataString("https://x.example/"));
        Assert.Equal(404, status);
        Assert.Equal("Webhook not found", (string?)body!["detail"]);

        (status, body, _) = await proxy.SendAsync(HttpMethod.Delete, "webhooks");
        Assert.Equal(422, status);
        Assert.Equal("webhook_url", (string?)body!["detail"]![0]!["loc"]![1]);
        var (_, list, _) = await proxy.GetAsync("webhooks");
        Assert.Empty(list!["webhooks"]!.AsArray());
    }

    [Theory]
    [InlineData("""{"url":"ftp://x.example/hook"}""", "url", "url_scheme")]
    [InlineData("""{"url":"not a url"}""", "url", "url_parsing")]
    [InlineData("""{"events":["stream_started"]}""", "url", "missing")]
    [InlineData("""{"url":"http://x.example/","events":["stream_started","bogus"]}""", "events", "enum")]
    [InlineData("""{"url":"http://x.example/","events":"stream_started"}""", "events", "list_type")]
    [InlineData("""{"url":"http://x.example/","timeout":0}""", "timeout", "greater_than_equal")]
    [InlineData("""{"url":"http://x.example/","retry_attempts":-1}""", "retry_attempts", "greater_than_equal")]
    [InlineData("""{"url":"http://x.example/","headers":{"A":1}}""", "headers", "string_type")]
    [InlineData("""{"url":"http://x.example/","headers":{"X-A":"a\nInjected: 1"}}""", "headers", "value_error")]
    [InlineData("""{"url":"http://x.example/","headers":{"Bad Name":"a"}}""", "headers", "value_error")]
    public async Task InvalidBodies_Answer422InPydanticShape(string json, string field, string type)
    {
        await using var proxy = await ProxyHost.StartAsync();

        var (status, body, _) = await proxy.SendAsync(HttpMethod.Post, "webhooks", json: json);

        Assert.Equal(422, status);
        var error = body!["detail"]!.AsArray().Select(e => e!.AsObject()).First(e => (string?)e["loc"]![1] == field);
        Assert.Equal(type, (string?)error["type"]);
        Assert.Equal("body", (string?)error["loc"]![0]);
        var (_, list, _) = await proxy.GetAsync("webhooks");
        Assert.Empty(list!["webhooks"]!.AsArray());
    }

    [Fact]
    public async Task ApiToken_GuardsEveryWebhookRoute()
    {
        await using var proxy = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["API_TOKEN"] = "s3cret" });

        Assert.Equal(401, (await proxy.SendAsync(HttpMethod.Post, "webhooks", json: """{"url":"http://x.example/"}""")).Status);
        Assert.Equal(401, (await proxy.GetAsync("webhooks")).Status);
        Assert.Equal(401, (await proxy.SendAsync(HttpMethod.Delete, "webhooks?webhook_url=http%3A%2F%2Fx.example%2F")).Status);
        Assert.Equal(401, (await proxy.SendAsync(HttpMethod.Post, "webhooks/test?webhook_url=http%3A%2F%2Fx.example%2F")).Status);
        Assert.Equal(200, (await proxy.SendAsync(HttpMethod.Post, "webhooks", "s3cret", """{"url":"http://x.example/"}""")).Status);
        Assert.Equal(200, (await proxy.GetAsync("webhooks?api_token=s3cret")).Status);
    }

    [Fact]
    public async Task Test_DeliversTheReferenceTestEvent_BeforeAnswering()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var proxy = await ProxyHost.StartAsync();
        var url = receiver.Url("/hook");
        // The test event goes out even to a webhook that does not subscribe to stream_started.
        await proxy.SendAsync(HttpMethod.Post, "webhooks", json: $$"""{"url":"{{url}}","events":["stream_stopped"],"timeout":2000000000}""");

        var (status, body, _) = await proxy.SendAsync(HttpMethod.Post, "webhooks/test?webhook_url=" + Uri.EscapeDataString(url));

        Assert.Equal(200, status);
        Assert.Equal($"Test event sent to {url}", (string?)body!["message"]);
        var delivered = Assert.Single(receiver.Received("/hook")).Json;
        Assert.Equal((string?)body["event_id"], (string?)delivered["event_id"]);
        Assert.Equal("stream_started", (string?)delivered["event_type"]);
        Assert.Equal("test_stream_123", (string?)delivered["stream_id"]);
        Assert.True((bool?)delivered["data"]!["test"]);
        Assert.Equal("This is a test webhook event", (string?)delivered["data"]!["message"]);
        Assert.Equal("http://example.com/test.m3u8", (string?)delivered["data"]!["primary_url"]);

        (status, body, _) = await proxy.SendAsync(HttpMethod.Post, "webhooks/test?webhook_url=" + Uri.EscapeDataString("http://nobody.example/"));
        Assert.Equal(404, status);
        Assert.Equal("Webhook not found", (string?)body!["detail"]);
    }

    [Fact]
    public async Task Test_AnswersTheSame_WhenTheReceiverRefuses()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var proxy = await ProxyHost.StartAsync();
        var url = receiver.Url("/refusing");
        receiver.FailWith("/refusing", 400);
        await proxy.SendAsync(HttpMethod.Post, "webhooks", json: $$"""{"url":"{{url}}"}""");

        var (status, body, _) = await proxy.SendAsync(HttpMethod.Post, "webhooks/test?webhook_url=" + Uri.EscapeDataString(url));

        Assert.Equal(200, status);
        Assert.True(Guid.TryParse((string?)body!["event_id"], out _));
        // A 4xx other than 408/429 is final: no retry.
        Assert.Single(receiver.Received("/refusing"));
    }

    [Fact]
    public async Task Listing_ShowsNeitherHeadersNorSecret()
    {
        await using var proxy = await ProxyHost.StartAsync();
        await proxy.SendAsync(HttpMethod.Post, "webhooks", json: """{"url":"http://x.example/","headers":{"Authorization":"Bearer t0k"},"secret":"sh4red"}""");

        var (_, list, response) = await proxy.GetAsync("webhooks");
        var text = list!.ToJsonString();

        Assert.DoesNotContain("t0k", text, StringComparison.Ordinal);
        Assert.DoesNotContain("sh4red", text, StringComparison.Ordinal);
        Assert.IsType<JsonArray>(list["webhooks"]);
        response.Dispose();
    }
}
