using M3uProxy.Edge.Api;

namespace M3uProxy.Edge.Pages;

/// <summary>
/// <c>/docs</c> and <c>/openapi.json</c>, open to everyone as the reference's are (m3u-editor's
/// users open <c>/docs</c> to check the proxy is reachable), and <c>/dashboard</c>, a management
/// route: with <c>API_TOKEN</c> set it needs the token (<c>?api_token=</c> in a browser), which the
/// page passes on to every request it makes.
/// </summary>
internal static class PageEndpoints
{
    public static IServiceCollection AddPages(this IServiceCollection services) => services.AddSingleton<EmbeddedPages>();

    public static IEndpointRouteBuilder MapDocsPages(this IEndpointRouteBuilder routes)
    {
        // Plain request delegates: no generated parameter binding for routes that need none (Api/PlainRoutes).
        routes.MapGet("/docs", context => EmbeddedPages.WriteAsync(context.Response, context.Service<EmbeddedPages>().Docs, EmbeddedPages.Html));
        routes.MapGet("/openapi.json", context => EmbeddedPages.WriteAsync(context.Response, context.Service<EmbeddedPages>().OpenApi, EmbeddedPages.Json));
        return routes;
    }

    public static IEndpointRouteBuilder MapDashboardPage(this IEndpointRouteBuilder management)
    {
        management.MapGet("/dashboard", context => EmbeddedPages.WriteAsync(context.Response, context.Service<EmbeddedPages>().Dashboard, EmbeddedPages.Html));
        return management;
    }
}
