using M3uProxy.Edge.Api.Validation;
using M3uProxy.Edge.Streams;

namespace M3uProxy.Edge.Api;

/// <summary>The body of <c>POST /streams</c> (seed-spec §2.3). Unknown fields are ignored.</summary>
internal sealed record CreateStreamRequest(
    string Url,
    List<string>? FailoverUrls,
    string? FailoverResolverUrl,
    string? UserAgent,
    Dictionary<string, string>? Metadata,
    Dictionary<string, string>? Headers,
    bool? StrictLiveTs,
    bool? UseStickySession,
    SilenceOverrides Silence)
{
    /// <summary>Reads every field, collecting all validation errors; null when there are any.</summary>
    public static CreateStreamRequest? Read(BodyValidator body)
    {
        var url = body.RequiredUrl("url");
        var failoverUrls = body.OptionalUrlList("failover_urls");
        var resolverUrl = body.OptionalUrl("failover_resolver_url");
        var userAgent = body.OptionalString("user_agent");
        var metadata = body.OptionalMetadata("metadata");
        var headers = body.OptionalStringMap("headers");
        var strict = body.OptionalBool("strict_live_ts");
        var sticky = body.OptionalBool("use_sticky_session");
        var silence = new SilenceOverrides(
            body.OptionalBool("enable_silence_detection"),
            body.OptionalFloat("silence_threshold_db"),
            body.OptionalFloat("silence_duration"),
            body.OptionalFloat("silence_check_interval"),
            body.OptionalInt("silence_failover_threshold"),
            body.OptionalFloat("silence_monitoring_grace_period"));

        return body.HasErrors || url is null
            ? null
            : new CreateStreamRequest(url, failoverUrls, resolverUrl, userAgent, metadata, headers, strict, sticky, silence);
    }
}
