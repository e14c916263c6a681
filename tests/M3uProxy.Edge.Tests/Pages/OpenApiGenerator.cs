using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.RegularExpressions;
using M3uProxy.Edge.Configuration;
using M3uProxy.Edge.Hosting;
using M3uProxy.Edge.Http;
using M3uProxy.Edge.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace M3uProxy.Edge.Tests.Pages;

/// <summary>
/// Makes the OpenAPI document the binary serves: the real app (<see cref="EdgeApp"/>) with
/// <c>Microsoft.AspNetCore.OpenApi</c> added beside it, asked for its document, which
/// <see cref="OpenApiNotes"/> then completes (tags, summaries, query parameters the handlers read
/// themselves, example bodies, the token's security schemes). Made here, at build time, so the
/// binary carries a JSON file instead of the OpenAPI libraries (<c>make openapi</c> writes it).
/// </summary>
internal static partial class OpenApiGenerator
{
    public static string DocumentFile => RepoPaths.File("src", "M3uProxy.Edge", "Pages", "openapi.json");

    private const string GeneratorPrefix = "/_build/openapi";

    // Compact, as it is embedded in the binary (indented it is three times larger); quotes and non-ASCII as they are.
    private static readonly JsonSerializerOptions _compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Every route the app maps, one per HTTP method.</summary>
    public static List<RouteOperation> Routes(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => !Path(e).StartsWith(GeneratorPrefix, StringComparison.Ordinal))
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Select(method =>
                new RouteOperation(method, Path(e), e.Metadata.GetMetadata<ManagementEndpoint>() is not null)))
            .Distinct()
            .ToList();

    public static async Task<string> GenerateAsync(CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, string?> { ["HOST"] = "127.0.0.1", ["PORT"] = "0", ["LOG_LEVEL"] = "WARNING" };
        var load = SettingsLoader.Load(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        var app = EdgeApp.Build(load, moreServices: services => services.AddOpenApi());
        await using (app)
        {
            app.MapOpenApi(GeneratorPrefix + "/{documentName}.json");
            await app.StartAsync(cancellationToken);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var http = new HttpClient();
            var text = await http.GetStringAsync(address.TrimEnd('/') + GeneratorPrefix + "/v1.json", cancellationToken);
            var document = JsonNode.Parse(text)!.AsObject();
            Complete(document, Routes(app.Services));
            await app.StopAsync(CancellationToken.None);
            return document.ToJsonString(_compact) + "\n";
        }
    }

    private static void Complete(JsonObject document, List<RouteOperation> routes)
    {
        document["info"] = new JsonObject
        {
            ["title"] = "M3uProxy.Edge",
            ["description"] = "The m3u-proxy API (same routes, fields and stream ids as the Python m3u-proxy), served by one native binary. With API_TOKEN set, the routes marked \"token\" need it as the X-API-Token header or the api_token query parameter. Every route also answers under ROOT_PATH (default /m3u-proxy).",
            ["version"] = ProxyVersion.Api,
        };
        document.Remove("servers"); // the binary adds its ROOT_PATH
        var paths = document["paths"]?.AsObject() ?? new JsonObject();
        document["paths"] = paths;
        foreach (var path in paths.Select(p => p.Key).Where(p => p.StartsWith(GeneratorPrefix, StringComparison.Ordinal)).ToList())
        {
            paths.Remove(path);
        }

        foreach (var route in routes)
        {
            if (!OpenApiNotes.ByRoute.TryGetValue(route.Key, out var note))
            {
                continue; // the coverage test names it
            }

            if (paths[route.Path] is not JsonObject item)
            {
                item = new JsonObject();
                paths[route.Path] = item;
            }

            var method = route.Method.ToLowerInvariant();
            if (item[method] is not JsonObject operation)
            {
                // ApiExplorer leaves out HEAD and the routes mapped as plain request delegates (the
                // management API, Api/PlainRoutes); say what it says of the others.
                operation = new JsonObject { ["tags"] = new JsonArray(), ["parameters"] = PathParameters(route.Path), ["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "OK" } } };
                item[method] = operation;
            }

            Describe(operation, note, route.Management);
            if (operation["parameters"] is JsonArray { Count: 0 })
            {
                operation.Remove("parameters");
            }
        }

        // In the order the app maps its routes, whichever way each was mapped.
        var ordered = new JsonObject();
        foreach (var path in routes.Select(r => r.Path).Concat(paths.Select(p => p.Key)).Distinct().ToList())
        {
            if (paths[path] is { } pathItem)
            {
                paths.Remove(path);
                ordered[path] = pathItem;
            }
        }

        document["paths"] = ordered;

        document["tags"] = new JsonArray(OpenApiNotes.Tags.Select(t => (JsonNode)new JsonObject { ["name"] = t.Name, ["description"] = t.Description }).ToArray());
        var components = document["components"]?.AsObject() ?? new JsonObject();
        document["components"] = components;
        components["securitySchemes"] = new JsonObject
        {
            ["api_token_header"] = new JsonObject { ["type"] = "apiKey", ["in"] = "header", ["name"] = "X-API-Token" },
            ["api_token_query"] = new JsonObject { ["type"] = "apiKey", ["in"] = "query", ["name"] = "api_token" },
        };
    }

    private static void Describe(JsonObject operation, OpenApiNotes.Note note, bool management)
    {
        operation["tags"] = new JsonArray(note.Tag);
        operation["summary"] = note.Summary;
        if (note.Query is { Length: > 0 } query)
        {
            var parameters = operation["parameters"]?.AsArray() ?? new JsonArray();
            operation["parameters"] = parameters;
            foreach (var parameter in query)
            {
                var entry = new JsonObject { ["name"] = parameter.Name, ["in"] = "query", ["required"] = parameter.Required, ["schema"] = new JsonObject { ["type"] = parameter.Type } };
                if (parameter.Description is not null)
                {
                    entry["description"] = parameter.Description;
                }

                parameters.Add(entry);
            }
        }

        if (note.Body is not null)
        {
            operation["requestBody"] = new JsonObject
            {
                ["required"] = true,
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "object" }, ["example"] = note.Body.DeepClone() } },
            };
        }

        if (note.Response is { } contract)
        {
            // The handlers write source-generated JSON the generator cannot see through; its schema comes from the same contract.
            var schema = JsonSchemaExporter.GetJsonSchemaAsNode(contract, new JsonSchemaExporterOptions { TreatNullObliviousAsNonNullable = true });
            operation["responses"]!["200"] = new JsonObject { ["description"] = "OK", ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = schema } } };
        }

        if (management)
        {
            operation["responses"]!["401"] = new JsonObject { ["description"] = "API_TOKEN is set and no token was sent" };
            operation["responses"]!["403"] = new JsonObject { ["description"] = "the token sent is wrong" };
            operation["security"] = new JsonArray(new JsonObject { ["api_token_header"] = new JsonArray() }, new JsonObject { ["api_token_query"] = new JsonArray() });
        }
    }

    private static JsonArray PathParameters(string path) =>
        new(PathParameter().Matches(path).Select(m => (JsonNode)new JsonObject { ["name"] = m.Groups[1].Value, ["in"] = "path", ["required"] = true, ["schema"] = new JsonObject { ["type"] = "string" } }).ToArray());

    private static string Path(RouteEndpoint endpoint) => "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');

    [GeneratedRegex(@"\{([^}:?]+)[^}]*\}")]
    private static partial Regex PathParameter();

    internal sealed record RouteOperation(string Method, string Path, bool Management)
    {
        public string Key => Method + " " + Path;
    }
}
