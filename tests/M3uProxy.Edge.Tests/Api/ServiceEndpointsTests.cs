using System.Net;
using System.Net.Sockets;
using M3uProxy.Edge.Tests.Infrastructure;

namespace M3uProxy.Edge.Tests.Api;

public sealed class ServiceEndpointsTests
{
    [Fact]
    public async Task Root_HasReferenceShape()
    {
        await using var host = await ProxyHost.StartAsync();
        var (status, body, _) = await host.GetAsync("");

        Assert.Equal(200, status);
        Assert.Equal("running", (string?)body!["status"]);
        Assert.Equal("m3u proxy is running", (string?)body["message"]);
        Assert.Equal("0.4.5", (string?)body["version"]);
        Assert.NotNull(body["uptime"]);
        Assert.Equal(
            ["total_streams", "active_streams", "total_clients", "active_clients", "total_bytes_served", "total_segments_served", "uptime_seconds"],
            body["stats"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task Health_HasReferenceShape()
    {
        await using var host = await ProxyHost.StartAsync();
        var (status, body, _) = await host.GetAsync("health");

        Assert.Equal(200, status);
        Assert.Equal(
            ["status", "root_path", "version", "uptime_seconds", "active_streams", "active_clients", "total_bytes_served", "stats", "cluster"],
            body!.AsObject().Select(p => p.Key));
        Assert.False((bool)body["cluster"]!["redis_enabled"]!); // the reference's fields, then this instance in its cluster
        Assert.Equal("single", (string?)body["cluster"]!["worker_id"]);
        Assert.Equal("healthy", (string?)body["status"]);
        Assert.Equal("/m3u-proxy", (string?)body["root_path"]);
    }

    [Fact]
    public async Task Info_ShowsVersionsAndSettings_ButNeverSecrets()
    {
        await using var host = await ProxyHost.StartAsync(new Dictionary<string, string?>
        {
            ["API_TOKEN"] = "api-secret",
            ["REDIS_ENABLED"] = "true",
            ["REDIS_PASSWORD"] = "redis-secret",
            ["WORKER_ID"] = "edge-1",
        });
        var (status, body, response) = await host.GetAsync("info", token: "api-secret");
        var text = body!.ToJsonString();

        Assert.Equal(200, status);
        Assert.DoesNotContain("api-secret", text, StringComparison.Ordinal);
        Assert.DoesNotContain("redis-secret", text, StringComparison.Ordinal);
        Assert.Equal("0.4.5", (string?)body["version"]);
        Assert.StartsWith("M3uProxy.Edge ", (string?)body["server"], StringComparison.Ordinal);
        Assert.StartsWith("ffmpeg version", (string?)body["ffmpeg_version"], StringComparison.Ordinal);
        Assert.Equal("***", (string?)body["redis"]!["password"]);
        Assert.Equal("***", (string?)body["settings"]!["API_TOKEN"]);
        Assert.Equal("10", (string?)body["settings"]!["CLIENT_TIMEOUT"]);
        Assert.Equal("edge-1", (string?)body["worker"]!["worker_id"]);
        Assert.True((bool)body["worker"]!["multi_worker_mode"]!);
        Assert.Equal(10, (int?)body["configuration"]!["client_timeout"]);
        Assert.Equal(["version", "server", "ffmpeg_version", "streamlink_version", "ytdlp_version", "hardware_acceleration", "redis", "transcoding", "configuration", "worker", "settings"], body.AsObject().Select(p => p.Key));
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task TestConnection_ReportsSuccessStatusAndFailure()
    {
        await using var host = await ProxyHost.StartAsync();
        await using var origin = await TinyOrigin.StartAsync();

        var (_, ok, _) = await host.SendAsync(HttpMethod.Post, "test-connection", json: $$"""{"url":"{{origin.Url("/up/")}}"}""");
        Assert.True((bool)ok!["success"]!);
        Assert.Equal(200, (int?)ok["status_code"]);
        Assert.Equal(origin.Url("/up"), (string?)ok["url_tested"]);
        Assert.Equal($"Successfully connected to {origin.Url("/up")}", (string?)ok["message"]);

        var (_, notFound, _) = await host.SendAsync(HttpMethod.Post, "test-connection", json: $$"""{"url":"{{origin.Url("/missing")}}"}""");
        Assert.False((bool)notFound!["success"]!);
        Assert.Equal(404, (int?)notFound["status_code"]);
        Assert.Equal("URL returned non-200 status code", (string?)notFound["message"]);

        var closedPort = FreePort();
        var (status, refused, _) = await host.SendAsync(HttpMethod.Post, "test-connection", json: $$"""{"url":"http://127.0.0.1:{{closedPort}}/up"}""");
        Assert.Equal(200, status);
        Assert.False((bool)refused!["success"]!);
        Assert.StartsWith("Connection failed: Unable to connect to", (string?)refused["message"], StringComparison.Ordinal);
        Assert.NotNull(refused["error"]);
    }

    [Theory]
    [InlineData("""{"url":"file:///etc/passwd"}""")]
    [InlineData("""{"url":"gopher://127.0.0.1/"}""")]
    [InlineData("""{}""")]
    public async Task TestConnection_NonHttpUrl_Is422(string json)
    {
        await using var host = await ProxyHost.StartAsync();
        Assert.Equal(422, (await host.SendAsync(HttpMethod.Post, "test-connection", json: json)).Status);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
