namespace M3uProxy.Edge.Metrics;

/// <summary>
/// <c>GET /metrics</c> in the Prometheus text format: the route the reference's
/// <c>prometheus.yml</c> scrapes but never had. A management route, so behind <c>API_TOKEN</c>.
/// </summary>
internal static class MetricsEndpoints
{
    /// <summary>(Not AddMetrics: that is the platform's.) The counters, the core's gauges, the collector, the throughput sampler and the streams' bitrate history; features add their gauges as <see cref="IGaugeSet"/>.</summary>
    public static IServiceCollection AddProxyMetrics(this IServiceCollection services)
    {
        services.AddSingleton<Uptime>();
        services.AddSingleton<ProxyMetrics>();
        services.AddSingleton<IGaugeSet, ProxyGauges>();
        services.AddSingleton<IGaugeSet, ProcessGauges>();
        services.AddSingleton<IGaugeSet, StreamGauges>();
        services.AddSingleton<MetricsCollector>();
        services.AddSingleton<ThroughputSampler>();
        services.AddHostedService(sp => sp.GetRequiredService<ThroughputSampler>());
        services.AddSingleton<StreamBitrateHistory>();
        services.AddHostedService(sp => sp.GetRequiredService<StreamBitrateHistory>());
        return services;
    }

    public static IEndpointRouteBuilder MapMetricsEndpoints(this IEndpointRouteBuilder routes)
    {
        // A plain request delegate: no generated parameter binding for a route that needs none (Api/PlainRoutes).
        routes.MapGet("/metrics", context => Results.Text(context.RequestServices.GetRequiredService<MetricsCollector>().Render(), PrometheusText.ContentType).ExecuteAsync(context));
        return routes;
    }
}
