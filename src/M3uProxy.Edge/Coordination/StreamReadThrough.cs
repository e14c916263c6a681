using M3uProxy.Edge.Lifecycle;

namespace M3uProxy.Edge.Coordination;

/// <summary>
/// Makes a stream created on another instance playable here: when a route names a stream this
/// instance does not hold, its shared definition is read from the directory and registered
/// locally before the endpoint runs, so every endpoint keeps its one local lookup.
/// Used only with a shared directory (one instance holds every stream already).
/// </summary>
internal sealed class StreamReadThrough(RequestDelegate next, StreamLifecycle lifecycle, IStreamDirectory directory)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetRouteValue("streamId") is string streamId && !lifecycle.Streams.TryGet(streamId, out _)
            && await directory.FindAsync(streamId, context.RequestAborted) is { } shared && !shared.Definition.IsVariant)
        {
            lifecycle.Upsert(shared.Definition, out _);
        }

        await next(context);
    }
}
