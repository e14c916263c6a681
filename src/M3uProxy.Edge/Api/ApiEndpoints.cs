namespace M3uProxy.Edge.Api;

/// <summary>The management API: its routes (behind the API token) and the services they read.</summary>
internal static class ApiEndpoints
{
    public static IServiceCollection AddApi(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, EdgeJsonContext.Api));
        services.AddSingleton<StatsBuilder>();
        services.AddSingleton<OperationalStats>();
        return services;
    }

    /// <summary><c>/</c>, <c>/health</c>, <c>/info</c>, <c>/streams…</c>, <c>/stats…</c>, <c>/clients…</c>.</summary>
    public static IEndpointRouteBuilder MapApi(this IEndpointRouteBuilder management)
    {
        management.MapServiceEndpoints();
        management.MapStreamEndpoints();
        management.MapStatsEndpoints();
        management.MapClientEndpoints();
        return management;
    }
}
