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
        routes.Post("/broadcast/{networkId}/start", StartAsync);
        routes.Post("/broadcast/{networkId}/stop", async context =>
        {
            var networkId = context.RouteValue("networkId");
            if (!BroadcastFiles.IsValidNetworkId(networkId) || await context.Service<BroadcastRegistry>().StopAsync(networkId) is not { } job)
            {
                return ApiResults.Detail(StatusCodes.Status404NotFound, NotFound);
            }

            var response = new BroadcastStopResponse("Broadcast stopped", networkId, job.CurrentSegmentNumber, "stopped");
            return TypedResults.Json(response, BroadcastJsonContext.Api.BroadcastStopResponse);
        });
        routes.Get("/broadcast/{networkId}/status", context =>
        {
            var networkId = context.RouteValue("networkId");
            return BroadcastFiles.IsValidNetworkId(networkId) && context.Service<BroadcastRegistry>().Get(networkId) is { } job
                ? Status(job, context.Service<ProxySettings>())
                : ApiResults.Detail(StatusCodes.Status404NotFound, NotFound);
        });
        routes.Get("/broadcast", context =>
        {
            var settings = context.Service<ProxySettings>();
            var items = context.Service<BroadcastRegistry>().List().Select(job => new BroadcastListItem(
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
        routes.Delete("/broadcast/{networkId}", async context =>
        {
            var networkId = context.RouteValue("networkId");
            if (!BroadcastFiles.IsValidNetworkId(networkId))
            {
                return InvalidNetworkId();
            }

            return await context.Service<BroadcastRegistry>().DeleteAsync(networkId)
                ? ApiResults.Message($"Broadcast {networkId} cleaned up successfully")
                : ApiResults.Detail(StatusCodes.Status500InternalServerError, $"Failed to clean up broadcast {networkId}");
        });
        return routes;
    }

    public static IEndpointRouteBuilder MapBroadcastPlaybackEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.Get("/broadcast/{networkId}/live.m3u8", async context =>
        {
            var networkId = context.RouteValue("networkId");
            if (!BroadcastFiles.IsValidNetworkId(networkId) || await context.Service<BroadcastRegistry>().PlaylistAsync(networkId, context.RequestAborted) is not { } playlist)
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
        routes.Get("/broadcast/{networkId}/segment/{fileName}", context =>
        {
            var networkId = context.RouteValue("networkId");
            var fileName = context.RouteValue("fileName");
            var check = BroadcastFiles.CheckSegmentName(fileName);
            if (!BroadcastFiles.IsValidNetworkId(networkId) || check == SegmentNameCheck.Invalid)
            {
                return ApiResults.Detail(StatusCodes.Status400BadRequest, "Invalid segment name");
            }

            // Only liveNNNNNN.ts, only a regular file (never a link); deletion by the window may race and is fine.
            if (check != SegmentNameCheck.Servable || context.Service<BroadcastRegistry>().ServedFolder(networkId).TryOpen(fileName) is not { } stream)
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

    private static Task<IResult> StartAsync(HttpContext context)
    {
        var networkId = context.RouteValue("networkId");
        var settings = context.Service<ProxySettings>();
        if (!BroadcastFiles.IsValidNetworkId(networkId))
        {
            return Task.FromResult(InvalidNetworkId());
        }

        return RequestBody.HandleJsonAsync(context, settings.MaxRequestBodyBytes, BroadcastStartRequest.Read, async request =>
        {
            var result = await context.Service<BroadcastRegistry>().StartAsync(networkId, request, context.RequestAborted);
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
