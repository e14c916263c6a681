using System.Text.RegularExpressions;
using M3uProxy.Edge.Tests.Infrastructure;

namespace M3uProxy.Edge.Tests.Pages;

/// <summary><c>/docs</c> and <c>/dashboard</c> over HTTP: who may see them, and that they load nothing from elsewhere.</summary>
public sealed partial class PageTests
{
    private const string Token = "secret";

    [Theory]
    [InlineData("docs")]
    [InlineData("m3u-proxy/docs")]
    public async Task Docs_Answers200WithoutAToken_AsTheReferenceDoes(string path)
    {
        await using var host = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["API_TOKEN"] = Token });
        using var response = await host.Client.GetAsync(path, TestContext.Current.CancellationToken);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("openapi.json", html, StringComparison.Ordinal);
        AssertSelfContained(response, html);
    }

    [Fact]
    public async Task Dashboard_NeedsTheToken_InTheHeaderOrTheQuery()
    {
        await using var host = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["API_TOKEN"] = Token });

        var (status, body, _) = await host.GetAsync("m3u-proxy/dashboard");
        Assert.Equal(401, status);
        Assert.DoesNotContain("<html", body!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(403, (await host.GetAsync("m3u-proxy/dashboard?api_token=wrong")).Status);
        Assert.Equal(200, (await host.GetAsync("m3u-proxy/dashboard", token: Token)).Status);

        using var response = await host.Client.GetAsync("m3u-proxy/dashboard?api_token=" + Token, TestContext.Current.CancellationToken);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        AssertSelfContained(response, html);
    }

    [Fact]
    public async Task Dashboard_IsOpen_WhenNoTokenIsConfigured()
    {
        await using var host = await ProxyHost.StartAsync();
        Assert.Equal(200, (await host.GetAsync("dashboard")).Status);
        Assert.Equal(200, (await host.GetAsync("m3u-proxy/dashboard")).Status);
    }

    // One page, a few tens of KB, with nothing to fetch from elsewhere (the CSP forbids it too).
    private static void AssertSelfContained(HttpResponseMessage response, string html)
    {
        Assert.InRange(html.Length, 2_000, 64 * 1024);
        Assert.Empty(ExternalReference().Matches(html));
        var policy = string.Join(' ', response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self'", policy, StringComparison.Ordinal);
        Assert.Equal("no-referrer", string.Join(' ', response.Headers.GetValues("Referrer-Policy")));
    }

    [GeneratedRegex(@"(src|href)\s*=\s*[""']?(https?:)?//|@import|url\(\s*[""']?https?:", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalReference();
}
