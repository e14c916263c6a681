using System.Text.Json.Nodes;
using M3uProxy.Edge.Api.Models;
using M3uProxy.Edge.Hosting;
using M3uProxy.Edge.Lifecycle;
using Microsoft.AspNetCore.Http.HttpResults;

namespace M3uProxy.Edge.Api;

/// <summary><c>/stats*</c> and <c>/clients</c> (seed-spec §2.6, §10).</summary>
internal static class StatsEndpoints
{
    public static IEndpointRouteBuilder MapStatsEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/stats", (StatsBuilder stats) =>
        {
            var proxy = stats.Proxy();
            return TypedResults.Json(
                new FullStatsResponse(
                    proxy.TotalStreams, proxy.ActiveStreams, proxy.TotalClients, proxy.ActiveClients,
                    proxy.TotalBytesServed, proxy.TotalSegmentsServed, proxy.UptimeSeconds,
                    stats.ListedStreams().Select(stats.Stream).ToList(),
                    stats.ConnectedClients().Select(StatsBuilder.Client).ToList()),
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
            lifecycle.Clients.TryGet(clientId, out var client)
                ? TypedResults.Json(new ClientDetailResponse(StatsBuilder.Client(client)), EdgeJsonContext.Api.ClientDetailResponse)
                : ApiResults.Detail(StatusCodes.Status404NotFound, "Client not found"));
        routes.MapGet("/stats/detailed", (StatsBuilder stats, StreamLifecycle lifecycle, Uptime uptime) =>
        {
            var proxy = stats.Proxy();
            return TypedResults.Json(
                new DetailedStatsResponse(proxy, ConnectionPool(proxy), Failovers(lifecycle), Performance(proxy, uptime), Errors(lifecycle), proxy.TotalStreams, proxy.TotalClients),
                EdgeJsonContext.Api.DetailedStatsResponse);
        });
        routes.MapGet("/stats/performance", (StatsBuilder stats, StreamLifecycle lifecycle, Uptime uptime, TimeProvider time) =>
        {
            var proxy = stats.Proxy();
            return TypedResults.Json(
                new PerformanceStatsResponse(ConnectionPool(proxy), Performance(proxy, uptime), Failovers(lifecycle), Errors(lifecycle), Timestamps.Aware(time.GetUtcNow())),
                EdgeJsonContext.Api.PerformanceStatsResponse);
        });
        return routes;
    }

    private static JsonHttpResult<ClientListResponse> ListClients(StatsBuilder stats)
    {
        var clients = stats.ConnectedClients().Select(StatsBuilder.Client).ToList();
        return TypedResults.Json(new ClientListResponse(clients.Count, clients), EdgeJsonContext.Api.ClientListResponse);
    }

    private static JsonObject ConnectionPool(ProxyStats proxy) => new()
    {
        ["active_streams"] = proxy.ActiveStreams,
        ["active_clients"] = proxy.ActiveClients,
    };

    private static JsonObject Failovers(StreamLifecycle lifecycle) => new()
    {
        ["total_failovers"] = lifecycle.Streams.Snapshot().Sum(s => s.FailoverAttempts),
        ["streams_failed_over"] = lifecycle.Streams.Snapshot().Count(s => s.FailoverAttempts > 0),
    };

    private static JsonObject Performance(ProxyStats proxy, Uptime uptime) => new()
    {
        ["uptime_seconds"] = proxy.UptimeSeconds,
        ["total_bytes_served"] = proxy.TotalBytesServed,
        ["average_bytes_per_second"] = uptime.Elapsed.TotalSeconds > 0 ? Math.Round(proxy.TotalBytesServed / uptime.Elapsed.TotalSeconds, 1) : 0,
    };

    private static JsonObject Errors(StreamLifecycle lifecycle) => new()
    {
        ["stream_errors"] = lifecycle.Streams.Snapshot().Sum(s => s.ErrorCount),
    };
}
