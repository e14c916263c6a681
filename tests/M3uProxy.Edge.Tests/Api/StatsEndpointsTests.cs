using M3uProxy.Edge.Clients;
using M3uProxy.Edge.Tests.Infrastructure;

namespace M3uProxy.Edge.Tests.Api;

public sealed class StatsEndpointsTests
{
    private static async Task<ProxyHost> HostWithOneWatchedStreamAsync()
    {
        var host = await ProxyHost.StartAsync();
        await host.CreateStreamAsync(new { url = "http://a.example/live/1.ts", metadata = new { playlist_uuid = "p1" } });
        await host.CreateStreamAsync(new { url = "http://a.example/live/2.ts" });
        var stream = host.Lifecycle.Streams.Snapshot().Single(s => s.Definition.Url.EndsWith("1.ts", StringComparison.Ordinal));
        var client = host.Lifecycle.RegisterClient(stream, "client_1", new ClientIdentity("10.1.2.3", "TiviMate", "bob"))!;
        client.AddBytes(1000, DateTimeOffset.UtcNow);
        stream.AddBytes(1000);
        return host;
    }

    [Fact]
    public async Task Stats_FlattensProxyStats_AndListsStreamsAndConnectedClients()
    {
        await using var host = await HostWithOneWatchedStreamAsync();
        var (status, body, _) = await host.GetAsync("stats");

        Assert.Equal(200, status);
        Assert.Equal(2, (int?)body!["total_streams"]);
        Assert.Equal(1, (int?)body["active_streams"]);
        Assert.Equal(1, (int?)body["total_clients"]);
        Assert.Equal(1, (int?)body["active_clients"]);
        Assert.Equal(1000, (long?)body["total_bytes_served"]);
        Assert.Equal(2, body["streams"]!.AsArray().Count);
        Assert.Equal("client_1", (string?)body["clients"]![0]!["client_id"]);
        Assert.Equal("10.1.2.3", (string?)body["clients"]![0]!["ip_address"]);
        Assert.Equal(1000, (long?)body["clients"]![0]!["bytes_served"]);
    }

    [Fact]
    public async Task StatsViews_HaveReferenceKeys()
    {
        await using var host = await HostWithOneWatchedStreamAsync();

        var (_, streams, _) = await host.GetAsync("stats/streams");
        Assert.Equal(["total_streams", "streams"], streams!.AsObject().Select(p => p.Key));
        Assert.Equal(2, (int?)streams["total_streams"]);

        foreach (var path in new[] { "stats/clients", "clients" })
        {
            var (_, clients, _) = await host.GetAsync(path);
            Assert.Equal(["total_clients", "clients"], clients!.AsObject().Select(p => p.Key));
            Assert.Equal(1, (int?)clients["total_clients"]);
        }

        var (_, detailed, _) = await host.GetAsync("stats/detailed");
        Assert.Equal(["proxy_stats", "connection_pool_stats", "failover_stats", "performance_metrics", "error_stats", "stream_count", "client_count"], detailed!.AsObject().Select(p => p.Key));
        Assert.Equal(1000, (long?)detailed["performance_metrics"]!["total_bytes_served"]);

        var (_, performance, _) = await host.GetAsync("stats/performance");
        Assert.Equal(["connection_pool", "performance_metrics", "failover_stats", "error_stats", "timestamp"], performance!.AsObject().Select(p => p.Key));
        Assert.EndsWith("+00:00", (string?)performance["timestamp"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task StatsHistory_IsAnOptionalBoolean_AndAnythingElseIs400()
    {
        await using var host = await HostWithOneWatchedStreamAsync();

        foreach (var path in new[] { "stats", "stats?history=", "stats?history=false" })
        {
            var (status, body, _) = await host.GetAsync(path);
            Assert.Equal(200, status);
            Assert.False(body!.AsObject().ContainsKey("bitrate_history"), path);
        }

        var (withHistory, history, _) = await host.GetAsync("stats?history=True");
        Assert.Equal(200, withHistory);
        Assert.Equal(5, (int?)history!["bitrate_history"]!["interval_seconds"]);

        foreach (var path in new[] { "stats?history=yes", "stats?history=true&history=true" })
        {
            var (status, _, response) = await host.GetAsync(path);
            Assert.Equal(400, status);
            Assert.Equal(0, response.Content.Headers.ContentLength);
        }
    }

    [Fact]
    public async Task ClientById_FoundOrReference404()
    {
        await using var host = await HostWithOneWatchedStreamAsync();

        var (status, body, _) = await host.GetAsync("clients/client_1");
        Assert.Equal(200, status);
        Assert.Equal("bob", (string?)body!["client"]!["username"]);

        var (missing, error, _) = await host.GetAsync("clients/client_nope");
        Assert.Equal(404, missing);
        Assert.Equal("Client not found", (string?)error!["detail"]);
    }

    [Fact]
    public async Task KickClient_AlwaysAnswers200_AndRemovesKnownClient()
    {
        await using var host = await HostWithOneWatchedStreamAsync();

        var (status, body, _) = await host.SendAsync(HttpMethod.Delete, "hls/anything/clients/client_1");
        Assert.Equal(200, status);
        Assert.Equal("Client client_1 disconnected", (string?)body!["message"]);
        Assert.Equal(0, host.Lifecycle.Clients.Count);
        Assert.Equal(200, (await host.SendAsync(HttpMethod.Delete, "hls/anything/clients/unknown")).Status);
    }
}
