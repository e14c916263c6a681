using M3uProxy.Edge.Api;
using M3uProxy.Edge.Api.Models;
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
        routes.MapPost("/streams/{streamId}/failover", async (string streamId, StreamLifecycle lifecycle, FailoverCoordinator failover, HttpContext context) =>
        {
            if (!lifecycle.TryGetListed(streamId, out var stream))
            {
                return ApiResults.StreamNotFound();
            }

            if (!stream.Definition.HasFailover)
            {
                return ApiResults.Detail(StatusCodes.Status400BadRequest, NoMechanism);
            }

            var sources = failover.SourcesOf(stream);
            var change = await failover.AdvanceAsync(stream, sources.Version, "manual", null, context.RequestAborted);
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
        });
        return routes;
    }
}
