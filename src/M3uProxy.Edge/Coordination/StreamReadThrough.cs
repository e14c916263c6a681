using M3uProxy.Edge.Lifecycle;
using M3uProxy.Edge.Streams;

namespace M3uProxy.Edge.Coordination;

/// <summary>
/// Makes streams created on other instances visible here: when a route names a stream this
/// instance does not hold, its shared definition is read from the directory and registered
/// locally before the endpoint runs, so every endpoint keeps its one local lookup; a listing
/// (<c>/streams</c>, <c>/stats</c>, the metadata queries) first registers every stream of the
/// cluster. A copy made here announces nothing by itself (its <c>stream_stopped</c> belongs to
/// the instance that created it) until a viewer watches it here.
/// Used only with a shared directory (one instance holds every stream already).
/// </summary>
internal sealed class StreamReadThrough(RequestDelegate next, StreamLifecycle lifecycle, IStreamDirectory directory)
{
    private static readonly HashSet<string> _listings = new(StringComparer.Ordinal)
    {
        "/", "/streams", "/stats", "/stats/streams", "/streams/by-metadata", "/streams/counts-by-metadata", "/streams/oldest-by-metadata",
    };

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetRouteValue("streamId") is string streamId)
        {
            if (!lifecycle.Streams.TryGet(streamId, out _) && await directory.FindAsync(streamId, context.RequestAborted) is { } shared)
            {
                Register(shared);
            }
        }
        else if (context.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } pattern } && _listings.Contains(pattern))
        {
            foreach (var shared in await directory.ListAsync(context.RequestAborted))
            {
                if (!lifecycle.Streams.TryGet(shared.Definition.Id, out _))
                {
                    Register(shared);
                }
            }
        }

        await next(context);
    }

    private void Register(SharedStream shared)
    {
        if (!shared.Definition.IsVariant)
        {
            var copy = lifecycle.Upsert(shared.Definition, out _);
            copy.TryClaimStopped();
            copy.AdoptFailover(shared.Failover, always: false); // where the owner stands, not the primary
        }
    }
}
