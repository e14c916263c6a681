using M3uProxy.Edge.Api.Models;
using M3uProxy.Edge.Api.Validation;
using M3uProxy.Edge.Coordination;
using M3uProxy.Edge.Events;
using M3uProxy.Edge.Lifecycle;
using M3uProxy.Edge.Streams;

namespace M3uProxy.Edge.Api;

/// <summary>
/// The metadata queries m3u-editor counts provider connections with (seed-spec §2.3, §16):
/// filter, count, delete, and delete the oldest.
/// </summary>
internal static class MetadataEndpoints
{
    private const int MaxClientIdLength = 128;

    public static IEndpointRouteBuilder MapMetadataEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.Get("/streams/by-metadata", Find);
        routes.Get("/streams/counts-by-metadata", Count);
        routes.Delete("/streams/by-metadata", Delete);
        routes.Delete("/streams/oldest-by-metadata", DeleteOldest);
        return routes;
    }

    private static IResult Find(HttpContext context)
    {
        var stats = context.Service<StatsBuilder>();
        var query = new QueryValidator(context.Request.Query);
        var field = query.Required("field");
        var value = query.Required("value");
        var activeOnly = query.Bool("active_only", defaultValue: true);
        if (query.HasErrors)
        {
            return ApiResults.Validation(query.Errors);
        }

        // The GET filter treats a missing field as "" (so value= matches streams without it), as the reference does.
        var matching = stats.ListedStreams()
            .Where(s => s.Definition.Metadata.GetValueOrDefault(field, "") == value && (!activeOnly || stats.ClientCountOf(s) > 0))
            .Select(s => new MatchingStream(
                StreamId: s.Id,
                ClientCount: stats.ClientCountOf(s),
                Metadata: s.Definition.Metadata,
                LastAccess: Timestamps.Aware(s.LastAccess),
                IsActive: true,
                Url: stats.Shown(s.EffectiveUrl),
                StreamType: StreamKindDetector.StatsLabel(s.Definition.Kind, s.Definition.Metadata)))
            .ToList();

        return TypedResults.Json(
            new ByMetadataResponse(new MetadataFilter(field, value), activeOnly, matching, matching.Count, matching.Sum(m => m.ClientCount)),
            EdgeJsonContext.Api.ByMetadataResponse);
    }

    private static IResult Count(HttpContext context)
    {
        var stats = context.Service<StatsBuilder>();
        var query = new QueryValidator(context.Request.Query);
        var field = query.Required("field");
        var values = query.Required("values");
        var activeOnly = query.Bool("active_only", defaultValue: true);
        if (query.HasErrors)
        {
            return ApiResults.Validation(query.Errors);
        }

        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var wanted in values.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            counts[wanted] = 0;
        }

        foreach (var stream in stats.ListedStreams())
        {
            if ((!activeOnly || stats.ClientCountOf(stream) > 0)
                && stream.Definition.Metadata.TryGetValue(field, out var actual)
                && counts.TryGetValue(actual, out var count))
            {
                counts[actual] = count + 1;
            }
        }

        return TypedResults.Json(new CountsByMetadataResponse(field, counts), EdgeJsonContext.Api.CountsByMetadataResponse);
    }

    private static async Task<IResult> Delete(HttpContext context)
    {
        var stats = context.Service<StatsBuilder>();
        var lifecycle = context.Service<StreamLifecycle>();
        var query = new QueryValidator(context.Request.Query);
        var field = query.Required("field");
        var value = query.Required("value");
        var excludeChannelId = query.Optional("exclude_channel_id");
        var force = query.Bool("force", defaultValue: true);
        var clientId = query.Optional("client_id", MaxClientIdLength);
        if (query.HasErrors)
        {
            return ApiResults.Validation(query.Errors);
        }

        var deleted = new List<string>();
        var skipped = new List<SkippedStream>();
        foreach (var stream in Matching(stats, field, value))
        {
            if (IsExcluded(stream, excludeChannelId))
            {
                skipped.Add(new SkippedStream(stream.Id, "excluded_by_channel_id", null));
                continue;
            }

            var stopData = new StopReason("metadata_filter_deletion",
                new() { ["filter_field"] = field, ["filter_value"] = value, ["was_transcoded"] = false });
            var elsewhere = stats.ClientCountOf(stream) - stream.ClientCount; // viewers on other instances
            if (force)
            {
                if (lifecycle.RemoveStream(stream, stopData))
                {
                    deleted.Add(stream.Id);
                }
            }
            else if (elsewhere > 0)
            {
                skipped.Add(new SkippedStream(stream.Id, "has_active_clients", elsewhere + stream.ClientCount));
            }
            else if (lifecycle.RemoveStreamIfUnwatched(stream, clientId, stopData, out var remaining))
            {
                deleted.Add(stream.Id);
            }
            else if (remaining > 0)
            {
                skipped.Add(new SkippedStream(stream.Id, "has_active_clients", remaining));
            }
        }

        foreach (var id in deleted)
        {
            await context.Service<IStreamDirectory>().RemoveAsync(id, context.RequestAborted); // the other instances end their copies
        }

        return TypedResults.Json(
            new DeleteByMetadataResponse($"Deleted {deleted.Count} stream(s) matching {field}={value}", deleted, skipped, deleted.Count),
            EdgeJsonContext.Api.DeleteByMetadataResponse);
    }

    private static async Task<IResult> DeleteOldest(HttpContext context)
    {
        var stats = context.Service<StatsBuilder>();
        var query = new QueryValidator(context.Request.Query);
        var field = query.Required("field");
        var value = query.Required("value");
        var excludeChannelId = query.Optional("exclude_channel_id");
        if (query.HasErrors)
        {
            return ApiResults.Validation(query.Errors);
        }

        var oldest = Matching(stats, field, value)
            .Where(s => !IsExcluded(s, excludeChannelId))
            .MinBy(s => s.CreatedAt);
        if (oldest is not null)
        {
            var age = Math.Round((context.Service<TimeProvider>().GetUtcNow() - oldest.CreatedAt).TotalSeconds, 3);
            var stopData = new StopReason("oldest_stream_deletion",
                new() { ["filter_field"] = field, ["filter_value"] = value, ["was_transcoded"] = false, ["stream_age_seconds"] = age });
            if (context.Service<StreamLifecycle>().RemoveStream(oldest, stopData))
            {
                await context.Service<IStreamDirectory>().RemoveAsync(oldest.Id, context.RequestAborted);
                return TypedResults.Json(
                    new DeleteOldestResponse($"Deleted oldest stream matching {field}={value}", oldest.Id, age, 1),
                    EdgeJsonContext.Api.DeleteOldestResponse);
            }
        }

        return TypedResults.Json(
            new DeleteOldestResponse($"No streams found matching {field}={value}", null, null, 0),
            EdgeJsonContext.Api.DeleteOldestResponse);
    }

    // Deletes match only streams that have the field (the GET filter also matches a missing one with value="").
    private static List<StreamRecord> Matching(StatsBuilder stats, string field, string value)
        => stats.ListedStreams().Where(s => s.Definition.Metadata.TryGetValue(field, out var actual) && actual == value).ToList();

    private static bool IsExcluded(StreamRecord stream, string? excludeChannelId)
        => excludeChannelId is not null && stream.Definition.Metadata.TryGetValue("id", out var id) && id == excludeChannelId;
}
