using System.Text.Json.Nodes;
using M3uProxy.Edge.Api;
using M3uProxy.Edge.Configuration;
using M3uProxy.Edge.Upstream;
using Microsoft.AspNetCore.Http.HttpResults;

namespace M3uProxy.Edge.Broadcast;

/// <summary>
/// <c>/broadcast/*</c> (seed-spec §13): start, stop, status, list and delete (management), and the
/// playlist and segments players fetch (no authentication, as in the reference).
/// </summary>
internal static class BroadcastEndpoints
{
    private const string NotFound = "Broadcast not found";

    public static IEndpointRouteBuilder MapBroadcastManagementEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/broadcast/{networkId}/start", StartAsync);
        routes.MapPost("/broadcast/{networkId}/stop", async (string networkId, BroadcastRegistry registry) =>
        {
            if (!BroadcastFiles.IsValidNetworkId(networkId) || await registry.StopAsync(networkId) is not { } job)
            {
                return ApiResults.Detail(StatusCodes.Status404NotFound, NotFound);
            }

            var response = new BroadcastStopResponse("Broadcast stopped", networkId, job.CurrentSegmentNumber, "stopped");
            return TypedResults.Json(response, BroadcastJsonContext.Api.BroadcastStopResponse);
        });
        routes.MapGet("/broadcast/{networkId}/status", (string networkId, BroadcastRegistry registry, ProxySettings settings) =>
            BroadcastFiles.IsValidNetworkId(networkId) && registry.Get(networkId) is { } job
                ? (IResult)Status(job, settings)
                : ApiResults.Detail(StatusCodes.Status404NotFound, NotFound));
        routes.MapGet("/broadcast", (BroadcastRegistry registry, ProxySettings settings) =>
        {
            var items = registry.List().Select(job => new BroadcastListItem(
                job.NetworkId,
                job.Status.ToWire(),
                job.CurrentSegmentNumber,
                Timestamps.Aware(job.StartedAt),
                ShownUrl(job.Request.StreamUrl, settings),
                job.ProcessId,
                job.Request.Metadata?.DeepClone().AsObject() ?? new JsonObject(),
                job.BytesWritten)).ToList();
            return TypedResults.Json(new BroadcastListResponse(items, items.Count), BroadcastJsonContext.Api.BroadcastListResponse);
        });
        routes.MapDelete("/broadcast/{networkId}", async (string networkId, BroadcastRegistry registry) =>
        {
            if (!BroadcastFiles.IsValidNetworkId(networkId))
            {
                return InvalidNetworkId();
            }

            return await registry.DeleteAsync(networkId)
                ? ApiResults.Message($"Broadcast {networkId} cleaned up successfully")
                : ApiResults.Detail(StatusCodes.Status500InternalServerError, $"Failed to clean up broadcast {networkId}");
        });
        return routes;
    }

    public static IEndpointRouteBuilder MapBroadcastPlaybackEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/broadcast/{networkId}/live.m3u8", async (string networkId, HttpContext context, BroadcastRegistry registry) =>
        {
            if (!BroadcastFiles.IsValidNetworkId(networkId) || await registry.PlaylistAsync(networkId, context.RequestAborted) is not { } playlist)
            {
                return ApiResults.Detail(StatusCodes.Status404NotFound, "Playlist not available");
            }

            var headers = context.Response.Headers;
            headers.CacheControl = "no-cache, no-store, must-revalidate";
            headers.Pragma = "no-cache";
            headers.Expires = "0";
            headers.AccessControlAllowOrigin = "*";
            return Results.Text(playlist, "application/vnd.apple.mpegurl");
        });
        routes.MapGet("/broadcast/{networkId}/segment/{fileName}", (string networkId, string fileName, HttpContext context, BroadcastRegistry registry) =>
        {
            var check = BroadcastFiles.CheckSegmentName(fileName);
            if (!BroadcastFiles.IsValidNetworkId(networkId) || check == SegmentNameCheck.Invalid)
            {
                return ApiResults.Detail(StatusCodes.Status400BadRequest, "Invalid segment name");
            }

            // Only liveNNNNNN.ts, only a regular file (never a link); deletion by the window may race and is fine.
            if (check != SegmentNameCheck.Servable || registry.ServedFolder(networkId).TryOpen(fileName) is not { } stream)
            {
                return ApiResults.Detail(StatusCodes.Status404NotFound, "Segment not found");
            }

            var headers = context.Response.Headers;
            headers.CacheControl = "max-age=86400";
            headers.AccessControlAllowOrigin = "*";
            return Results.Stream(stream, "video/MP2T", enableRangeProcessing: true);
        });
        return routes;
    }

    private static Task<IResult> StartAsync(string networkId, HttpContext context, BroadcastRegistry registry, ProxySettings settings)
    {
        if (!BroadcastFiles.IsValidNetworkId(networkId))
        {
            return Task.FromResult(InvalidNetworkId());
        }

        return RequestBody.HandleJsonAsync(context, settings.MaxRequestBodyBytes, BroadcastStartRequest.Read, async request =>
        {
            var result = await registry.StartAsync(networkId, request, context.RequestAborted);
            return result.Job is { } job
                ? (IResult)Status(job, settings)
                : ApiResults.Detail(StatusCodes.Status500InternalServerError, result.Detail!);
        });
    }

    private static JsonHttpResult<BroadcastStatusResponse> Status(BroadcastJob job, ProxySettings settings)
    {
        var response = new BroadcastStatusResponse(
            job.NetworkId,
            job.Status.ToWire(),
            job.CurrentSegmentNumber,
            Timestamps.Aware(job.StartedAt),
            ShownUrl(job.Request.StreamUrl, settings),
            job.Output.DirectoryName,
            job.ProcessId,
            job.ErrorMessage,
            job.BytesWritten);
        return TypedResults.Json(response, BroadcastJsonContext.Api.BroadcastStatusResponse);
    }

    private static string ShownUrl(string url, ProxySettings settings) => settings.MaskUrls ? UrlMasking.Mask(url) : url;

    private static IResult InvalidNetworkId()
        => ApiResults.Detail(StatusCodes.Status400BadRequest, "Invalid network id: use letters, digits, '_', '-' or '.' (at most 128)");
}
