using System.Text.Json.Nodes;
using M3uProxy.Edge.Tests.Infrastructure;

namespace M3uProxy.Edge.Tests.Pages;

/// <summary><c>/openapi.json</c>: made by <c>Microsoft.AspNetCore.OpenApi</c> from the real app, served from the binary, covering every route.</summary>
public sealed class OpenApiDocumentTests
{
    private const string Token = "secret";

    [Fact]
    public async Task EmbeddedDocument_IsWhatTheGeneratorMakesFromTheApp()
    {
        var generated = await OpenApiGenerator.GenerateAsync(TestContext.Current.CancellationToken);
        if (Environment.GetEnvironmentVariable("UPDATE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(OpenApiGenerator.DocumentFile, generated, TestContext.Current.CancellationToken);
        }

        var committed = await File.ReadAllTextAsync(OpenApiGenerator.DocumentFile, TestContext.Current.CancellationToken);
        Assert.True(generated == committed, "src/M3uProxy.Edge/Pages/openapi.json is out of date with the routes: run `make openapi` and rebuild");
    }

    [Fact]
    public async Task ServedDocument_CoversEveryRoute_MarksTheTokenRoutes_AndNeedsNoToken()
    {
        await using var host = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["API_TOKEN"] = Token });
        var (status, body, response) = await host.GetAsync("m3u-proxy/openapi.json");

        Assert.Equal(200, status);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var document = body!.AsObject();
        Assert.StartsWith("3.", (string?)document["openapi"], StringComparison.Ordinal);
        Assert.Equal("/m3u-proxy", (string?)document["servers"]![0]!["url"]);
        var paths = document["paths"]!.AsObject();

        var routes = OpenApiGenerator.Routes(host.Services);
        Assert.True(routes.Count >= 40, $"only {routes.Count} routes found");
        var undocumented = routes.Where(r => !OpenApiNotes.ByRoute.ContainsKey(r.Key)).Select(r => r.Key).ToList();
        Assert.True(undocumented.Count == 0, "routes without a note in tests/…/Pages/OpenApiNotes.cs (add one, then `make openapi`): " + string.Join(", ", undocumented));
        foreach (var route in routes)
        {
            var operation = paths[route.Path]?[route.Method.ToLowerInvariant()];
            Assert.True(operation is JsonObject, $"{route.Key} is not in the served document (run `make openapi` and rebuild)");
            Assert.False(string.IsNullOrEmpty((string?)operation!["summary"]), $"{route.Key} has no summary");
            Assert.Equal(route.Management, operation["security"] is JsonArray { Count: > 0 });
            foreach (var name in OpenApiNotes.ByRoute[route.Key].Query?.Select(q => q.Name) ?? [])
            {
                Assert.Contains(operation["parameters"]!.AsArray(), p => (string?)p!["name"] == name && (string?)p["in"] == "query");
            }
        }

        // Nothing documented that the app does not serve.
        var served = routes.Select(r => r.Key).ToHashSet();
        string[] methods = ["get", "head", "post", "put", "patch", "delete", "options"];
        foreach (var (path, item) in paths)
        {
            foreach (var (method, _) in item!.AsObject().Where(p => methods.Contains(p.Key)))
            {
                Assert.Contains(method.ToUpperInvariant() + " " + path, served);
            }
        }

        Assert.Equal("X-API-Token", (string?)document["components"]!["securitySchemes"]!["api_token_header"]!["name"]);
        Assert.Equal(200, (await host.GetAsync("openapi.json")).Status);
    }

    [Fact]
    public async Task EmptyRootPath_ServesTheDocumentForTheSiteRoot()
    {
        await using var host = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["ROOT_PATH"] = "" });
        var (status, body, _) = await host.GetAsync("openapi.json");

        Assert.Equal(200, status);
        Assert.Equal("/", (string?)body!["servers"]![0]!["url"]);
        Assert.Equal(404, (await host.GetAsync("m3u-proxy/openapi.json")).Status);
    }
}
