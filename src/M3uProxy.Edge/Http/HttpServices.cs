namespace M3uProxy.Edge.Http;

internal static class HttpServices
{
    /// <summary>What the middleware needs (the API-token check); the pipeline itself is composed in <c>EdgeApp</c>.</summary>
    public static IServiceCollection AddHttp(this IServiceCollection services)
    {
        services.AddSingleton<ApiTokenValidator>();
        return services;
    }
}
