using M3uProxy.Edge.Api;
using M3uProxy.Edge.Configuration;
using M3uProxy.Edge.Coordination;
using M3uProxy.Edge.Events;
using M3uProxy.Edge.Lifecycle;
using M3uProxy.Edge.Streams;
using M3uProxy.Edge.Transcoding.Profiles;
using M3uProxy.Edge.Transcoding.Resolvers;

namespace M3uProxy.Edge.Transcoding;

/// <summary>
/// <c>POST /transcode</c> and <c>GET /transcode/profiles</c> (seed-spec §2.4). Creating a transcoded
/// stream only checks and records it: ffmpeg starts with the first viewer.
/// </summary>
internal static class TranscodeEndpoints
{
    public static IEndpointRouteBuilder MapTranscodeEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.Post("/transcode", CreateAsync);
        routes.Get("/transcode/profiles", async context =>
        {
            var catalog = await context.Service<HardwareState>().CatalogAsync(context.RequestAborted);
            var profiles = catalog.Profiles.Select(p => new ProfileInfo(p.Name, p.Description, p.Template.Text)).ToList();
            return TypedResults.Json(new ProfilesResponse(profiles, HardwareState.Describe(catalog.Hardware), TemplateVariables.Defaults), TranscodeJsonContext.Api.ProfilesResponse);
        });
        return routes;
    }

    private static async Task<IResult> CreateAsync(HttpContext context)
        => await RequestBody.HandleJsonAsync(context, context.Service<ProxySettings>().MaxRequestBodyBytes, TranscodeRequest.Read, request => context.Service<TranscodeService>().CreateAsync(request, context.RequestAborted));
}

/// <summary>Validates a <see cref="TranscodeRequest"/> and records its stream.</summary>
internal sealed class TranscodeService(StreamLifecycle lifecycle, EventBus events, ProxySettings settings, TranscodingOptions options, HardwareState hardware, ResolverTools resolvers, IStreamDirectory directory)
{
    public async Task<IResult> CreateAsync(TranscodeRequest request, CancellationToken cancellationToken)
    {
        return request.Resolver is null ? await CreateTranscodeAsync(request, cancellationToken) : await CreateResolverAsync(request, cancellationToken);
    }

    private async Task<IResult> CreateTranscodeAsync(TranscodeRequest request, CancellationToken cancellationToken)
    {
        var catalog = await hardware.CatalogAsync(cancellationToken);
        var plan = TranscodePlanner.Plan(catalog, request.Stream.Url, request.Profile, request.ProfileVariables, request.OutputFormat, options.AllowCustomTemplates);
        if (plan.Spec is not { } spec)
        {
            return ApiResults.Detail(plan.Status, plan.Reason!);
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["transcoding"] = "true",
            ["profile"] = spec.Profile,
            ["profile_variables"] = PythonRepr.Dict(spec.UserVariables),
            ["ffmpeg_args"] = string.Join(' ', spec.Arguments),
        };
        var stream = Record(request, metadata, spec, null);
        await directory.PublishAsync(stream.Shared, cancellationToken); // every instance finds it once this returns
        var endpoint = spec.HlsOutput ? $"/hls/{stream.Id}/playlist.m3u8" : $"/stream/{stream.Id}";
        return TypedResults.Json(
            new TranscodeResponse(
                StreamId: stream.Id,
                PrimaryUrl: request.Stream.Url,
                FailoverUrls: stream.Definition.FailoverUrls,
                UserAgent: stream.Definition.UserAgent,
                StreamType: "transcoded",
                StreamEndpoint: endpoint,
                PlaylistUrl: spec.HlsOutput ? endpoint : null,
                DirectUrl: endpoint,
                Format: spec.Format,
                Profile: spec.Profile,
                ProfileVariables: spec.Variables,
                FfmpegArgs: spec.Arguments,
                Message: spec.HlsOutput ? "Transcoded stream created successfully (HLS output)" : $"Transcoded stream created successfully (direct {spec.Format.ToUpperInvariant()} pipe)",
                Metadata: request.Stream.Metadata),
            TranscodeJsonContext.Api.TranscodeResponse);
    }

    private async Task<IResult> CreateResolverAsync(TranscodeRequest request, CancellationToken cancellationToken)
    {
        var tool = ResolverTool.For(request.Resolver!);
        if (!(tool.IsStreamlink ? options.StreamlinkEnabled : options.YtdlpEnabled))
        {
            return ApiResults.Detail(StatusCodes.Status400BadRequest, tool.DisabledMessage);
        }

        var arguments = ResolverArguments.Check(tool, request.ResolverArgs);
        if (arguments.Error is { } error)
        {
            return ApiResults.Detail(StatusCodes.Status422UnprocessableEntity, error);
        }

        if (!await resolvers.IsAvailableAsync(tool, cancellationToken))
        {
            return ApiResults.Detail(StatusCodes.Status503ServiceUnavailable, $"{tool.Binary} is not installed or not accessible");
        }

        var spec = new ResolverSpec(tool.Name, arguments.Arguments, arguments.Text, request.Cookies);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["transcoding"] = "true",
            ["resolver"] = tool.Name,
            ["resolver_args"] = arguments.Text,
        };
        var stream = Record(request, metadata, null, spec);
        await directory.PublishAsync(stream.Shared, cancellationToken);
        var endpoint = $"/stream/{stream.Id}";
        return TypedResults.Json(
            new ResolverResponse(stream.Id, request.Stream.Url, stream.Definition.FailoverUrls, "resolver", endpoint, null, endpoint, "mpegts", tool.Name, arguments.Text, $"Resolver stream created successfully ({tool.Binary})", request.Stream.Metadata),
            TranscodeJsonContext.Api.ResolverResponse);
    }

    private StreamRecord Record(TranscodeRequest request, Dictionary<string, string> metadata, TranscodeSpec? transcode, ResolverSpec? resolver)
    {
        foreach (var (key, value) in request.Stream.Metadata ?? [])
        {
            metadata[key] = value; // the caller's metadata wins, as in the reference
        }

        var body = request.Stream;
        var definition = new StreamDefinition(
            body.Url,
            body.FailoverUrls ?? [],
            body.FailoverResolverUrl,
            body.UserAgent ?? settings.DefaultUserAgent,
            body.Headers ?? [],
            metadata,
            body.StrictLiveTs ?? settings.StrictLiveTs,
            body.UseStickySession ?? settings.UseStickySession,
            resolver is null ? body.Silence : SilenceOverrides.None,
            Transcode: transcode,
            Resolver: resolver);
        var stream = lifecycle.Upsert(definition, out var outcome);
        if (outcome != StreamUpsertOutcome.Reused)
        {
            events.Publish(EventType.StreamStarted, stream.Id, EventData.StreamStarted(stream.Definition, resolver is null ? "transcoded" : "resolver"));
        }

        return stream;
    }
}
