using M3uProxy.Edge.Tests.Infrastructure;

namespace M3uProxy.Edge.Tests.Http;

public sealed class RootPathAndCorsTests
{
    [Theory]
    [InlineData("health")]
    [InlineData("m3u-proxy/health")]
    [InlineData("stats")]
    [InlineData("m3u-proxy/stats")]
    [InlineData("m3u-proxy/streams")]
    [InlineData("m3u-proxy/clients")]
    [InlineData("m3u-proxy")]
    [InlineData("m3u-proxy/")]
    public async Task DefaultRootPath_RoutesAnswerWithAndWithoutPrefix(string path)
    {
        await using var host = await ProxyHost.StartAsync();
        Assert.Equal(200, (await host.GetAsync(path)).Status);
    }

    [Fact]
    public async Task PrefixMustBeAWholeSegment()
    {
        await using var host = await ProxyHost.StartAsync();
        Assert.Equal(404, (await host.GetAsync("m3u-proxyx/health")).Status);
    }

    [Fact]
    public async Task CustomRootPath_IsHonoured_AndReportedByHealth()
    {
        await using var host = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["ROOT_PATH"] = "/tv/proxy/" });

        var (status, body, _) = await host.GetAsync("tv/proxy/health");
        Assert.Equal(200, status);
        Assert.Equal("/tv/proxy", (string?)body!["root_path"]);
        Assert.Equal(200, (await host.GetAsync("health")).Status);
        Assert.Equal(404, (await host.GetAsync("m3u-proxy/health")).Status);
    }

    [Fact]
    public async Task EmptyRootPath_DisablesPrefix()
    {
        await using var host = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["ROOT_PATH"] = "" });

        Assert.Equal(200, (await host.GetAsync("health")).Status);
        Assert.Equal(404, (await host.GetAsync("m3u-proxy/health")).Status);
    }

    [Fact]
    public async Task Preflight_IsAnsweredWithoutToken_WithPermissiveHeaders()
    {
        await using var host = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["API_TOKEN"] = "secret" });
        using var request = new HttpRequestMessage(HttpMethod.Options, "m3u-proxy/streams");
        request.Headers.Add("Origin", "https://player.example");
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "x-api-token, content-type");
        using var response = await host.Client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("POST", response.Headers.GetValues("Access-Control-Allow-Methods").Single(), StringComparison.Ordinal);
        Assert.Equal("x-api-token, content-type", response.Headers.GetValues("Access-Control-Allow-Headers").Single());
    }

    [Fact]
    public async Task EveryResponse_CarriesAllowOrigin_ErrorsIncluded()
    {
        await using var host = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["API_TOKEN"] = "secret" });

        var (_, _, ok) = await host.GetAsync("livez");
        var (_, _, unauthorized) = await host.GetAsync("stats");
        var (_, _, missing) = await host.GetAsync("nothing-here");

        foreach (var response in new[] { ok, unauthorized, missing })
        {
            Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        }
    }
}
