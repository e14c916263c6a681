using System.Text.Json.Nodes;
using M3uProxy.Edge.Api;
using M3uProxy.Edge.Api.Validation;

namespace M3uProxy.Edge.Transcoding;

/// <summary>
/// The body of <c>POST /transcode</c> (seed-spec §2.4): the body of <c>POST /streams</c> — with
/// <c>headers</c>, which the reference drops although m3u-editor sends them — plus the profile,
/// its variables, the output format and the resolver fields.
/// </summary>
internal sealed record TranscodeRequest(
    CreateStreamRequest Stream,
    string? Profile,
    Dictionary<string, string>? ProfileVariables,
    string? OutputFormat,
    string? Resolver,
    string? ResolverArgs,
    string? Cookies)
{
    public static TranscodeRequest? Read(BodyValidator body)
    {
        var stream = CreateStreamRequest.Read(body);
        var profile = body.OptionalString("profile");
        var variables = body.OptionalMetadata("profile_variables");
        var format = body.OptionalString("output_format");
        var resolver = body.OptionalString("resolver");
        if (resolver is not null and not ("streamlink" or "ytdlp"))
        {
            body.Error("literal_error", "Input should be 'streamlink' or 'ytdlp'", JsonValue.Create(resolver), "resolver");
        }

        var resolverArgs = body.OptionalString("resolver_args");
        var cookies = body.OptionalString("cookies");
        return body.HasErrors || stream is null
            ? null
            : new TranscodeRequest(stream, profile, variables, format, resolver, resolverArgs, cookies);
    }
}
