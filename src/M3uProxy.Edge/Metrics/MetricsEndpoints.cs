namespace M3uProxy.Edge.Metrics;

/// <summary>
/// <c>GET /metrics</c> in the Prometheus text format: the route the reference's
/// <c>prometheus.yml</c> scrapes but never had. A management route, so behind <c>API_TOKEN</c>.
/// </summary>
internal static class MetricsEndpoints
{
    public static IEndpointRouteBuilder MapMetricsEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/metrics", (MetricsCollector collector) => Results.Text(collector.Render(), PrometheusText.ContentType));
        return routes;
    }
}
