using M3uProxy.Edge.Api.Models;
using M3uProxy.Edge.Lifecycle;
using M3uProxy.Edge.Metrics;
using Microsoft.AspNetCore.Http.HttpResults;

namespace M3uProxy.Edge.Api;

/// <summary><c>/stats*</c> and <c>/clients</c> (seed-spec §2.6, §10).</summary>
internal static class StatsEndpoints
{
    public static IEndpointRouteBuilder MapStatsEndpoints(this IEndpointRouteBuilder routes)
    {
        // ?history=true adds the streams' recent bitrate (the dashboard's first load); m3u-editor's polls stay as small as before.
        routes.Get("/stats", context =>
        {
            var history = context.QueryBool("history", out var valid);
            if (!valid)
            {
                return TypedResults.BadRequest();
            }

            var stats = context.Service<StatsBuilder>();
            var proxy = stats.Proxy();
            return TypedResults.Json(
                new FullStatsResponse(
                    proxy.TotalStreams, proxy.ActiveStreams, proxy.TotalClients, proxy.ActiveClients,
                    proxy.TotalBytesServed, proxy.TotalSegmentsServed, proxy.UptimeSeconds,
                    stats.ListedStreams().Select(stats.Stream).ToList(),
                    stats.ClusterClients().ToList(),
                    history == true ? BitrateHistory(context.Service<StreamBitrateHistory>()) : null),
                EdgeJsonContext.Api.FullStatsResponse);
        });
        routes.Get("/stats/streams", context =>
        {
            var stats = context.Service<StatsBuilder>();
            var streams = stats.ListedStreams().Select(stats.Stream).ToList();
            return TypedResults.Json(new StreamStatsListResponse(streams.Count, streams), EdgeJsonContext.Api.StreamStatsListResponse);
        });
        routes.Get("/stats/clients", ListClients);
        routes.Get("/clients", ListClients);
        routes.Get("/clients/{clientId}", context =>
            context.Service<StreamLifecycle>().TryGetClient(context.RouteValue("clientId"), out var client)
                ? TypedResults.Json(new ClientDetailResponse(StatsBuilder.Client(client)), EdgeJsonContext.Api.ClientDetailResponse)
                : ApiResults.Detail(StatusCodes.Status404NotFound, "Client not found"));
        routes.Get("/stats/detailed", context =>
        {
            var proxy = context.Service<StatsBuilder>().Proxy();
            var figures = context.Service<OperationalStats>();
            return TypedResults.Json(
                new DetailedStatsResponse(proxy, figures.ConnectionPool(proxy), figures.Failovers(), figures.Performance(proxy), figures.Errors(), proxy.TotalStreams, proxy.TotalClients),
                EdgeJsonContext.Api.DetailedStatsResponse);
        });
        routes.Get("/stats/performance", context =>
        {
            var proxy = context.Service<StatsBuilder>().Proxy();
            var figures = context.Service<OperationalStats>();
            return TypedResults.Json(
                new PerformanceStatsResponse(figures.ConnectionPool(proxy), figures.Performance(proxy), figures.Failovers(), figures.Errors(), Timestamps.Aware(context.Service<TimeProvider>().GetUtcNow())),
                EdgeJsonContext.Api.PerformanceStatsResponse);
        });
        return routes;
    }

    private static BitrateHistoryModel BitrateHistory(StreamBitrateHistory history)
    {
        var (age, streams) = history.Snapshot();
        return new BitrateHistoryModel(
            (int)StreamBitrateHistory.Interval.TotalSeconds,
            Math.Round(age.TotalSeconds, 1),
            [.. streams.Select(s => new StreamBitrateModel(s.StreamId, s.Served, s.Upstream))]);
    }

    private static JsonHttpResult<ClientListResponse> ListClients(HttpContext context)
    {
        var clients = context.Service<StatsBuilder>().ClusterClients().ToList();
        return TypedResults.Json(new ClientListResponse(clients.Count, clients), EdgeJsonContext.Api.ClientListResponse);
    }
}
