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
        routes.MapGet("/stats", (StatsBuilder stats, StreamBitrateHistory bitrates, bool? history) =>
        {
            var proxy = stats.Proxy();
            return TypedResults.Json(
                new FullStatsResponse(
                    proxy.TotalStreams, proxy.ActiveStreams, proxy.TotalClients, proxy.ActiveClients,
                    proxy.TotalBytesServed, proxy.TotalSegmentsServed, proxy.UptimeSeconds,
                    stats.ListedStreams().Select(stats.Stream).ToList(),
                    stats.ClusterClients().ToList(),
                    history == true ? BitrateHistory(bitrates) : null),
                EdgeJsonContext.Api.FullStatsResponse);
        });
        routes.MapGet("/stats/streams", (StatsBuilder stats) =>
        {
            var streams = stats.ListedStreams().Select(stats.Stream).ToList();
            return TypedResults.Json(new StreamStatsListResponse(streams.Count, streams), EdgeJsonContext.Api.StreamStatsListResponse);
        });
        routes.MapGet("/stats/clients", ListClients);
        routes.MapGet("/clients", ListClients);
        routes.MapGet("/clients/{clientId}", (string clientId, StreamLifecycle lifecycle) =>
            lifecycle.TryGetClient(clientId, out var client)
                ? TypedResults.Json(new ClientDetailResponse(StatsBuilder.Client(client)), EdgeJsonContext.Api.ClientDetailResponse)
                : ApiResults.Detail(StatusCodes.Status404NotFound, "Client not found"));
        routes.MapGet("/stats/detailed", (StatsBuilder stats, OperationalStats figures) =>
        {
            var proxy = stats.Proxy();
            return TypedResults.Json(
                new DetailedStatsResponse(proxy, figures.ConnectionPool(proxy), figures.Failovers(), figures.Performance(proxy), figures.Errors(), proxy.TotalStreams, proxy.TotalClients),
                EdgeJsonContext.Api.DetailedStatsResponse);
        });
        routes.MapGet("/stats/performance", (StatsBuilder stats, OperationalStats figures, TimeProvider time) =>
        {
            var proxy = stats.Proxy();
            return TypedResults.Json(
                new PerformanceStatsResponse(figures.ConnectionPool(proxy), figures.Performance(proxy), figures.Failovers(), figures.Errors(), Timestamps.Aware(time.GetUtcNow())),
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

    private static JsonHttpResult<ClientListResponse> ListClients(StatsBuilder stats)
    {
        var clients = stats.ClusterClients().ToList();
        return TypedResults.Json(new ClientListResponse(clients.Count, clients), EdgeJsonContext.Api.ClientListResponse);
    }
}
