using M3uProxy.Edge.Api.Models;
using M3uProxy.Edge.Configuration;
using M3uProxy.Edge.Coordination;
using M3uProxy.Edge.Events;
using M3uProxy.Edge.Lifecycle;
using M3uProxy.Edge.Streams;
using Microsoft.AspNetCore.Http.HttpResults;

namespace M3uProxy.Edge.Api;

/// <summary><c>/streams</c>: create, list, inspect and delete streams (seed-spec §2.3).</summary>
internal static class StreamEndpoints
{
    public static IEndpointRouteBuilder MapStreamEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.Post("/streams", CreateAsync);
        routes.Get("/streams", context =>
        {
            var stats = context.Service<StatsBuilder>();
            var streams = stats.ListedStreams().Select(stats.Stream).ToList();
            return TypedResults.Json(new StreamListResponse(streams, streams.Count), EdgeJsonContext.Api.StreamListResponse);
        });
        routes.Get("/streams/{streamId}", context =>
        {
            if (!context.Service<StreamLifecycle>().TryGetListed(context.RouteValue("streamId"), out var stream))
            {
                return ApiResults.StreamNotFound();
            }

            var stats = context.Service<StatsBuilder>();
            var clients = stats.ClusterClients().Where(c => c.StreamId == stream.Id).ToList();
            return TypedResults.Json(new StreamDetailResponse(stats.Stream(stream), clients, clients.Count, context.Service<ITranscodingStatus>().Describe(stream)), EdgeJsonContext.Api.StreamDetailResponse);
        });
        routes.Delete("/streams/{streamId}", async context =>
        {
            var streamId = context.RouteValue("streamId");
            var lifecycle = context.Service<StreamLifecycle>();
            if (!lifecycle.TryGetListed(streamId, out var stream))
            {
                return ApiResults.StreamNotFound();
            }

            lifecycle.RemoveStream(stream, new StopReason("manual_deletion", new() { ["was_transcoded"] = stream.Definition.IsTranscoded }));
            await context.Service<IStreamDirectory>().RemoveAsync(stream.Id, context.RequestAborted); // the other instances end their copies
            return ApiResults.Message($"Stream {streamId} deleted");
        });
        routes.MapMetadataEndpoints();
        return routes;
    }

    private static Task<IResult> CreateAsync(HttpContext context)
    {
        var settings = context.Service<ProxySettings>();
        return RequestBody.HandleJsonAsync(context, settings.MaxRequestBodyBytes, CreateStreamRequest.Read, async request =>
        {
            var result = Create(request, context.Service<StreamLifecycle>(), context.Service<EventBus>(), settings, out var stream);
            await context.Service<IStreamDirectory>().PublishAsync(stream.Shared, context.RequestAborted); // every instance finds it once this returns
            return (IResult)result;
        });
    }

    private static JsonHttpResult<CreateStreamResponse> Create(CreateStreamRequest request, StreamLifecycle lifecycle, EventBus events, ProxySettings settings, out StreamRecord stream)
    {
        var definition = new StreamDefinition(
            request.Url,
            request.FailoverUrls ?? [],
            request.FailoverResolverUrl,
            request.UserAgent ?? settings.DefaultUserAgent,
            request.Headers ?? [],
            request.Metadata ?? [],
            request.StrictLiveTs ?? settings.StrictLiveTs,
            request.UseStickySession ?? settings.UseStickySession,
            request.Silence);

        // A stream that has clients keeps its parameters (seed-spec §4.3): answer with what is in effect.
        stream = lifecycle.Upsert(definition, out var outcome);
        var effective = stream.Definition;
        var isHls = effective.Kind == StreamKind.Hls;
        var streamType = isHls ? "hls" : "direct";
        var endpoint = isHls ? $"/hls/{stream.Id}/playlist.m3u8" : $"/stream/{stream.Id}";

        // A stream being watched was announced when it started: another POST for it (a second
        // viewer of the channel) is not a new start (the reference emits one per POST).
        if (outcome != StreamUpsertOutcome.Reused)
        {
            events.Publish(EventType.StreamStarted, stream.Id, EventData.StreamStarted(effective, streamType));
        }
        return TypedResults.Json(
            new CreateStreamResponse(
                StreamId: stream.Id,
                PrimaryUrl: request.Url,
                FailoverUrls: effective.FailoverUrls,
                UserAgent: effective.UserAgent,
                StreamType: streamType,
                StreamEndpoint: endpoint,
                PlaylistUrl: endpoint,
                DirectUrl: endpoint,
                Message: $"Stream created successfully ({streamType})",
                Metadata: request.Metadata),
            EdgeJsonContext.Api.CreateStreamResponse);
    }
}
