using System.Net.Sockets;
using System.Text;
using M3uProxy.Edge.Tests.Infrastructure;

namespace M3uProxy.Edge.Tests.Http;

/// <summary>Every row of the bad-input table: a clear 4xx with a JSON error, and the server keeps serving.</summary>
public sealed class BadInputTests
{
    [Theory]
    [InlineData("{\"url\": ")]
    [InlineData("{url: 'x'}")]
    [InlineData("\u0000\u0001binary")]
    public async Task MalformedJson_Is422JsonInvalid(string body)
    {
        await using var host = await ProxyHost.StartAsync();
        var (status, json, _) = await host.SendAsync(HttpMethod.Post, "streams", json: body);

        Assert.Equal(422, status);
        Assert.Equal("json_invalid", (string?)json!["detail"]![0]!["type"]);
        Assert.Equal("JSON decode error", (string?)json["detail"]![0]!["msg"]);
        await AssertStillServingAsync(host);
    }

    [Theory]
    [InlineData("", "missing")]
    [InlineData("[1,2]", "model_attributes_type")]
    [InlineData("\"just a string\"", "model_attributes_type")]
    public async Task EmptyOrNonObjectBody_Is422(string body, string type)
    {
        await using var host = await ProxyHost.StartAsync();
        var (status, json, _) = await host.SendAsync(HttpMethod.Post, "streams", json: body);

        Assert.Equal(422, status);
        Assert.Equal(type, (string?)json!["detail"]![0]!["type"]);
    }

    [Fact]
    public async Task DeeplyNestedJson_Is422_NotACrash()
    {
        await using var host = await ProxyHost.StartAsync();
        var body = "{\"url\":\"http://a/b.ts\",\"metadata\":" + new string('[', 5000) + new string(']', 5000) + "}";
        var (status, _, _) = await host.SendAsync(HttpMethod.Post, "streams", json: body);

        Assert.Equal(422, status);
        await AssertStillServingAsync(host);
    }

    [Fact]
    public async Task BodyOverLimit_Is413Json()
    {
        await using var host = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["MAX_REQUEST_BODY_BYTES"] = "4096" });
        var body = "{\"url\":\"http://a/b.ts\",\"metadata\":{\"pad\":\"" + new string('x', 10_000) + "\"}}";
        var (status, json, _) = await host.SendAsync(HttpMethod.Post, "streams", json: body);

        Assert.Equal(413, status);
        Assert.Contains("too large", (string?)json!["detail"], StringComparison.Ordinal);
        await AssertStillServingAsync(host);
    }

    [Fact]
    public async Task ChunkedBodyOverLimit_Is413Json()
    {
        await using var host = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["MAX_REQUEST_BODY_BYTES"] = "4096" });
        using var content = new ChunkedContent(new string('x', 20_000));
        using var response = await host.Client.PostAsync("streams", content, TestContext.Current.CancellationToken);

        Assert.Equal(413, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task UrlOverLimit_Is414Json()
    {
        await using var host = await ProxyHost.StartAsync();
        var (status, json, _) = await host.GetAsync("streams/by-metadata?field=a&value=" + new string('v', 20_000));

        Assert.Equal(414, status);
        Assert.Contains("too long", (string?)json!["detail"], StringComparison.Ordinal);
        await AssertStillServingAsync(host);
    }

    [Fact]
    public async Task HeadersOverLimit_Is431Json()
    {
        await using var host = await ProxyHost.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "health");
        request.Headers.Add("X-Padding", new string('h', 40_000));
        using var response = await host.Client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(431, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        await AssertStillServingAsync(host);
    }

    [Fact]
    public async Task WrongMethod_Is405Json()
    {
        await using var host = await ProxyHost.StartAsync();
        var (status, json, _) = await host.SendAsync(HttpMethod.Put, "streams");

        Assert.Equal(405, status);
        Assert.Equal("Method Not Allowed", (string?)json!["detail"]);
    }

    [Theory]
    [InlineData("streams/by-metadata", "field")]
    [InlineData("streams/by-metadata?field=a", "value")]
    [InlineData("streams/counts-by-metadata?field=a", "values")]
    public async Task MissingQueryParameter_Is422(string path, string missing)
    {
        await using var host = await ProxyHost.StartAsync();
        var (status, json, _) = await host.GetAsync(path);

        Assert.Equal(422, status);
        var error = json!["detail"]!.AsArray().Single(e => (string?)e!["loc"]![1] == missing)!;
        Assert.Equal("missing", (string?)error["type"]);
        Assert.Equal("query", (string?)error["loc"]![0]);
    }

    [Fact]
    public async Task HostileQueryStrings_AreHandled()
    {
        await using var host = await ProxyHost.StartAsync();

        Assert.Equal(422, (await host.GetAsync("streams/by-metadata?field=a&value=b&active_only=perhaps")).Status);
        Assert.Equal(200, (await host.GetAsync("streams/by-metadata?field=%00%ff&value=%E2%82")).Status);
        Assert.Equal(200, (await host.GetAsync("streams/by-metadata?field=a&field=b&value=" + Uri.EscapeDataString("<script>"))).Status);
        Assert.Equal(422, (await host.SendAsync(HttpMethod.Delete, "streams/by-metadata?field=a&value=b&force=false&client_id=" + new string('c', 129))).Status);
        await AssertStillServingAsync(host);
    }

    [Fact]
    public async Task ClientHangingUpMidRequest_DoesNotHarmServer()
    {
        await using var host = await ProxyHost.StartAsync();
        for (var i = 0; i < 20; i++)
        {
            using var socket = new TcpClient();
            await socket.ConnectAsync(host.BaseAddress.Host, host.BaseAddress.Port, TestContext.Current.CancellationToken);
            var partial = Encoding.ASCII.GetBytes("POST /streams HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"url\":");
            await socket.GetStream().WriteAsync(partial, TestContext.Current.CancellationToken);
            socket.Client.Shutdown(SocketShutdown.Both);
        }

        await AssertStillServingAsync(host);
    }

    private static async Task AssertStillServingAsync(ProxyHost host)
    {
        var json = await host.CreateStreamAsync(new { url = "http://still.example/live/1.ts" });
        Assert.Equal("direct", (string?)json["stream_type"]);
    }
}
