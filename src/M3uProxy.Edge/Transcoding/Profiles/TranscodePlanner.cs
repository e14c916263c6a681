using M3uProxy.Edge.Streams;

namespace M3uProxy.Edge.Transcoding.Profiles;

/// <summary>
/// Turns a request's profile, variables and output format into a checked <see cref="TranscodeSpec"/>,
/// or a refusal with the status and reason the API answers (400 unknown profile, 403 custom
/// templates disabled, 422 unsafe template or variable).
/// </summary>
internal static class TranscodePlanner
{
    public const string PipeOutput = "pipe:1";

    public static TranscodePlan Plan(ProfileCatalog catalog, string url, string? profileText, IReadOnlyDictionary<string, string>? userVariables, string? outputFormat, bool allowCustom)
    {
        var requested = string.IsNullOrEmpty(profileText) ? ProfileCatalog.DefaultProfile : profileText;
        TranscodeProfile profile;
        try
        {
            if (requested.StartsWith('-'))
            {
                if (!allowCustom)
                {
                    return TranscodePlan.Refused(StatusCodes.Status403Forbidden, "Custom FFmpeg templates are disabled (ALLOW_CUSTOM_FFMPEG_ARGS=false)");
                }

                profile = new TranscodeProfile(TranscodeProfile.CustomName, "Custom template", ProfileTemplate.Parse(requested));
            }
            else if (!catalog.TryGet(requested, out profile))
            {
                return TranscodePlan.Refused(StatusCodes.Status400BadRequest, $"Profile '{requested}' not found. Available profiles: {string.Join(", ", catalog.Names)}");
            }

            var user = userVariables ?? new Dictionary<string, string>();
            foreach (var (name, value) in user)
            {
                if (TemplateVariables.Check(name, value) is { } reason)
                {
                    return TranscodePlan.Refused(StatusCodes.Status422UnprocessableEntity, reason);
                }
            }

            var format = outputFormat ?? "mpegts";
            if (TemplateVariables.Check(TemplateVariables.Format, format) is { } formatReason)
            {
                return TranscodePlan.Refused(StatusCodes.Status422UnprocessableEntity, formatReason.Replace("'format'", "'output_format'", StringComparison.Ordinal));
            }

            var variables = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [TemplateVariables.InputUrl] = url,
                [TemplateVariables.OutputArgs] = PipeOutput,
                [TemplateVariables.Format] = format,
            };
            foreach (var (name, value) in user)
            {
                variables[name] = value;
            }

            var rendered = profile.Template.Render(variables);
            var checkedArguments = ArgumentPolicy.Check(rendered, url);
            var isHls = checkedArguments.IsHls;
            var spec = new TranscodeSpec(
                profile.Name,
                rendered,
                checkedArguments.InputOptions,
                checkedArguments.OutputOptions,
                isHls,
                isHls ? "hls" : checkedArguments.Format ?? variables[TemplateVariables.Format],
                variables,
                new Dictionary<string, string>(user, StringComparer.Ordinal),
                profile.IsCustom ? requested : null);
            return new TranscodePlan(spec, 0, null);
        }
        catch (TemplateException exception)
        {
            return TranscodePlan.Refused(StatusCodes.Status422UnprocessableEntity, exception.Message);
        }
    }
}

/// <summary>A planned transcode, or why not (<see cref="Status"/> and <see cref="Reason"/>).</summary>
internal sealed record TranscodePlan(TranscodeSpec? Spec, int Status, string? Reason)
{
    public static TranscodePlan Refused(int status, string reason) => new(null, status, reason);
}
