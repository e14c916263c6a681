using M3uProxy.Edge.Api;
using M3uProxy.Edge.Api.Models;
using M3uProxy.Edge.Coordination;
using M3uProxy.Edge.Lifecycle;
using M3uProxy.Edge.Streams;

namespace M3uProxy.Edge.Failover;

/// <summary>
/// <c>POST /streams/{id}/failover</c> (seed-spec §2.3): one advance with reason <c>manual</c>; every
/// viewer of a running channel moves to the new source at once.
/// </summary>
internal static class FailoverEndpoints
{
    private const string NoMechanism = "No failover mechanism configured for this stream (neither failover_urls nor failover_resolver_url)";
    private const string NothingToSwitchTo = "Failover failed - no working failover URLs available";

    public static IServiceCollection AddFailover(this IServiceCollection services)
    {
        services.AddSingleton<FailoverResolver>();
        services.AddSingleton<FailoverCoordinator>();
        return services;
    }

    public static IEndpointRouteBuilder MapFailoverEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.Post("/streams/{streamId}/failover", async context =>
        {
            var streamId = context.RouteValue("streamId");
            if (!context.Service<StreamLifecycle>().TryGetListed(streamId, out var stream))
            {
                return ApiResults.StreamNotFound();
            }

            // In a cluster the instance that reads the channel's upstream switches it (its viewers and relays follow).
            return await context.Service<ClusterChannels>().ForwardToOwnerAsync(streamId, ClusterChannels.FailoverPath + streamId, context.RequestAborted)
                ?? await FailoverHereAsync(stream, context.Service<FailoverCoordinator>(), context.RequestAborted);
        });
        return routes;
    }

    /// <summary><c>POST /cluster/failover/{id}</c>: a manual failover asked at another instance of the cluster, for the channel this one owns.</summary>
    public static IEndpointRouteBuilder MapClusterFailover(this IEndpointRouteBuilder routes)
    {
        routes.Post("/" + ClusterChannels.FailoverPath + "{streamId}", async context =>
        {
            var cluster = context.Service<ClusterChannels>();
            if (!cluster.IsShared || !await cluster.IsMemberAsync(context.Request, context.RequestAborted))
            {
                return ApiResults.Detail(StatusCodes.Status403Forbidden, "Only instances of this cluster may send commands");
            }

            return context.Service<StreamLifecycle>().TryGetListed(context.RouteValue("streamId"), out var stream)
                ? await FailoverHereAsync(stream, context.Service<FailoverCoordinator>(), context.RequestAborted)
                : ApiResults.StreamNotFound();
        });
        return routes;
    }

    private static async Task<IResult> FailoverHereAsync(StreamRecord stream, FailoverCoordinator failover, CancellationToken cancellationToken)
    {
        if (!stream.Definition.HasFailover)
        {
            return ApiResults.Detail(StatusCodes.Status400BadRequest, NoMechanism);
        }

        var sources = failover.SourcesOf(stream);
        var change = await failover.AdvanceAsync(stream, sources.Version, "manual", null, cancellationToken);
        if (change is null)
        {
            return ApiResults.Detail(StatusCodes.Status409Conflict, NothingToSwitchTo);
        }

        return TypedResults.Json(
            new FailoverResponse(
                "Failover triggered successfully - all clients will seamlessly reconnect",
                change.NewUrl,
                change.FailoverIndex,
                change.AttemptNumber,
                stream.ClientCount,
                StreamKindDetector.StatsLabel(stream.Definition.Kind, stream.Definition.Metadata)),
            EdgeJsonContext.Api.FailoverResponse);
    }
}
