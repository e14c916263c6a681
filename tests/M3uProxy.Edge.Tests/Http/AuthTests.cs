using M3uProxy.Edge.Tests.Infrastructure;

namespace M3uProxy.Edge.Tests.Http;

/// <summary>The auth matrix of seed-spec §1.2 and §18.2, over a real socket.</summary>
public sealed class AuthTests
{
    private const string Token = "secret";

    public static TheoryData<string, string> ManagementRoutes => new()
    {
        { "GET", "" },
        { "GET", "info" },
        { "GET", "health" },
        { "GET", "streams" },
        { "POST", "streams" },
        { "GET", "streams/by-metadata?field=a&value=b" },
        { "GET", "streams/counts-by-metadata?field=a&values=b" },
        { "DELETE", "streams/by-metadata?field=a&value=b" },
        { "DELETE", "streams/oldest-by-metadata?field=a&value=b" },
        { "GET", "streams/0123456789abcdef0123456789abcdef" },
        { "DELETE", "streams/0123456789abcdef0123456789abcdef" },
        { "GET", "stats" },
        { "GET", "stats/streams" },
        { "GET", "stats/clients" },
        { "GET", "stats/detailed" },
        { "GET", "stats/performance" },
        { "GET", "clients" },
        { "GET", "clients/client_x" },
        { "POST", "test-connection" },
        { "DELETE", "hls/abc/clients/client_x" },
        { "POST", "transcode" },
        { "GET", "transcode/profiles" },
        { "GET", "broadcast" },
    };

    [Theory]
    [MemberData(nameof(ManagementRoutes))]
    public async Task ManagementRoute_WithoutToken_Is401WithBearerChallenge(string method, string path)
    {
        await using var host = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["API_TOKEN"] = Token });
        var (status, body, response) = await host.SendAsync(new HttpMethod(method), path, json: method == "POST" ? "{}" : null);

        Assert.Equal(401, status);
        Assert.Equal("API token required. Provide token via X-API-Token header or api_token query parameter.", (string?)body!["detail"]);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Theory]
    [MemberData(nameof(ManagementRoutes))]
    public async Task ManagementRoute_WithWrongToken_Is403(string method, string path)
    {
        await using var host = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["API_TOKEN"] = Token });
        var (status, body, response) = await host.SendAsync(new HttpMethod(method), path, token: "wrong", json: method == "POST" ? "{}" : null);

        Assert.Equal(403, status);
        Assert.Equal("Invalid API token", (string?)body!["detail"]);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Token_InHeader_InQuery_HeaderWins_LowerCaseHeaderName()
    {
        await using var host = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["API_TOKEN"] = Token });

        Assert.Equal(200, (await host.GetAsync("stats", token: Token)).Status);
        Assert.Equal(200, (await host.GetAsync("stats?api_token=secret")).Status);
        Assert.Equal(403, (await host.GetAsync("stats?api_token=nope")).Status);
        Assert.Equal(200, (await host.GetAsync("stats?api_token=nope", token: Token)).Status);
        Assert.Equal(403, (await host.GetAsync("stats?api_token=secret", token: "nope")).Status);

        using var request = new HttpRequestMessage(HttpMethod.Get, "stats");
        request.Headers.TryAddWithoutValidation("x-api-token", Token);
        using var response = await host.Client.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task NoTokenConfigured_EverythingIsOpen()
    {
        await using var host = await ProxyHost.StartAsync();
        Assert.Equal(200, (await host.GetAsync("stats")).Status);
        Assert.Equal(200, (await host.GetAsync("health")).Status);
    }

    [Theory]
    [InlineData("livez")]
    [InlineData("m3u-proxy/livez")]
    [InlineData("broadcast/net1/live.m3u8")]
    [InlineData("broadcast/net1/segment/live000001.ts")]
    public async Task PublicRoutes_NeverAskForTheToken(string path)
    {
        await using var host = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["API_TOKEN"] = Token });
        var (status, _, _) = await host.GetAsync(path);

        Assert.NotEqual(401, status);
        Assert.NotEqual(403, status);
    }

    [Fact]
    public async Task UnknownRoute_IsNotFound_EvenWithoutToken()
    {
        await using var host = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["API_TOKEN"] = Token });
        var (status, body, _) = await host.GetAsync("playlist/abc");

        Assert.Equal(404, status);
        Assert.Equal("Not Found", (string?)body!["detail"]);
    }

    [Fact]
    public async Task Livez_IsPlainOk_WithoutDetails()
    {
        await using var host = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["API_TOKEN"] = Token });
        using var response = await host.Client.GetAsync("livez", TestContext.Current.CancellationToken);

        Assert.Equal("ok", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
    }
}
