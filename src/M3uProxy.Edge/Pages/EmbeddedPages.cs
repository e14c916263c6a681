using System.Text.Json;
using System.Text.Json.Nodes;
using M3uProxy.Edge.Configuration;

namespace M3uProxy.Edge.Pages;

/// <summary>
/// The operator's pages, read once from the binary's own resources: the dashboard, the API
/// reference and the OpenAPI document (made at build time by <c>Microsoft.AspNetCore.OpenApi</c>,
/// see <c>make openapi</c>), whose <c>servers</c> entry is this proxy's <c>ROOT_PATH</c>.
/// </summary>
internal sealed class EmbeddedPages
{
    public const string Html = "text/html; charset=utf-8";

    public const string Json = "application/json; charset=utf-8";

    // Inline script and style only; requests only to this proxy; no fonts, frames or remote images.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public EmbeddedPages(ProxySettings settings)
    {
        Dashboard = Read("dashboard.html");
        Docs = Read("docs.html");
        OpenApi = WithServer(Read("openapi.json"), settings.RootPath);
    }

    public byte[] Dashboard { get; }

    public byte[] Docs { get; }

    public byte[] OpenApi { get; }

    private static byte[] Read(string name)
    {
        using var stream = typeof(EmbeddedPages).Assembly.GetManifestResourceStream("M3uProxy.Edge.Pages." + name)
            ?? throw new InvalidOperationException($"resource {name} is missing from the binary");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    // The reference's FastAPI app answers with servers = [{"url": root_path}] too.
    private static byte[] WithServer(byte[] document, string rootPath)
    {
        var root = JsonNode.Parse(document)!.AsObject();
        root["servers"] = new JsonArray(new JsonObject { ["url"] = rootPath.Length > 0 ? rootPath : "/" });
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            root.WriteTo(writer);
        }

        return buffer.ToArray();
    }

    /// <summary>Writes a page with headers that keep it self-contained (nothing may load from elsewhere) and its URL's token out of referrers.</summary>
    public static Task WriteAsync(HttpResponse response, byte[] body, string contentType)
    {
        response.ContentType = contentType;
        response.ContentLength = body.Length;
        response.Headers.CacheControl = "no-cache";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
        if (contentType.StartsWith("text/html", StringComparison.Ordinal))
        {
            response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
            response.Headers.XFrameOptions = "DENY";
        }

        return response.Body.WriteAsync(body).AsTask();
    }
}
