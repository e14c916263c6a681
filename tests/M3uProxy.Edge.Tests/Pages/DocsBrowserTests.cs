using M3uProxy.Edge.Tests.Infrastructure;

namespace M3uProxy.Edge.Tests.Pages;

/// <summary>
/// <c>/docs</c> in real headless Chromium (<c>tests/browser/docs-check.mjs</c>): opened without a token it
/// lists every route, loads nothing from elsewhere and logs no error; with the token typed in, its
/// "Send" reaches the API. The screenshot is kept in <c>artifacts/test-results/</c>.
/// </summary>
public sealed class DocsBrowserTests
{
    private const string Token = "secret";

    [Fact]
    public async Task Docs_ListsEveryRoute_AndSendsWithTheTypedToken()
    {
        await using var proxy = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["API_TOKEN"] = Token });
        var page = new Uri(proxy.BaseAddress, "m3u-proxy/docs").ToString();

        var report = await BrowserCheck.RunAsync("docs-check.mjs", page, Token, BrowserCheck.Screenshot("docs.png"));

        Assert.True(report["error"] is null, report.ToJsonString());
        Assert.Equal(200, (int)report["status"]!);
        Assert.Empty(report["consoleErrors"]!.AsArray());
        Assert.Empty(report["pageErrors"]!.AsArray());
        Assert.Empty(report["foreignRequests"]!.AsArray());
        Assert.Equal("M3uProxy.Edge", (string?)report["title"]);
        Assert.Equal(OpenApiGenerator.Routes(proxy.Services).Count, (int)report["operations"]!);
        Assert.Contains("Streams", report["tags"]!.AsArray().Select(t => (string?)t), StringComparer.OrdinalIgnoreCase);
        Assert.Equal("200 OK", (string?)report["sendResult"]);
        // The response's fields, from the schema of the contract the handler writes with.
        var fields = (string)report["streamsFields"]!;
        Assert.Contains("streams: array of object", fields, StringComparison.Ordinal);
        Assert.Contains("  source_state: string", fields, StringComparison.Ordinal);
    }
}
