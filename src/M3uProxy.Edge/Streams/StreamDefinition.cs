using System.Text.Json.Serialization;
using M3uProxy.Edge.Configuration;

namespace M3uProxy.Edge.Streams;

/// <summary>
/// What a client asked for when it created a stream. Immutable: recycling an orphaned stream
/// swaps the whole definition at once, so readers never see half of an update.
/// </summary>
internal sealed record StreamDefinition(
    string Url,
    IReadOnlyList<string> FailoverUrls,
    string? FailoverResolverUrl,
    string UserAgent,
    IReadOnlyDictionary<string, string> Headers,
    IReadOnlyDictionary<string, string> Metadata,
    bool StrictLiveTs,
    bool UseStickySession,
    SilenceOverrides Silence,
    string? ParentStreamId = null,
    TranscodeSpec? Transcode = null,
    ResolverSpec? Resolver = null)
{
    [JsonIgnore]
    public string Id { get; } = Transcode?.StreamIdFor(Url) ?? Resolver?.StreamIdFor(Url) ?? StreamIds.ForUrl(Url);

    /// <summary>How the stream is delivered. A transcoder's or resolver's output is a live byte stream (or the transcoder's own HLS), whatever the source is.</summary>
    [JsonIgnore]
    public StreamKind Kind { get; } = Transcode is not null || Resolver is not null
        ? (Transcode?.HlsOutput == true ? StreamKind.TranscodedHls : StreamKind.LiveContinuous)
        : StreamKindDetector.Detect(Url);

    /// <summary>The kind of the source itself (what ffmpeg's input is).</summary>
    [JsonIgnore]
    public StreamKind SourceKind => StreamKindDetector.Detect(Url);

    [JsonIgnore]
    public bool IsTranscoded => Transcode is not null || Resolver is not null;

    [JsonIgnore]
    public bool IsVariant => ParentStreamId is not null;

    [JsonIgnore]
    public bool HasFailover => FailoverUrls.Count > 0 || FailoverResolverUrl is not null;

    /// <summary>A stream from a bare URL (the <c>?url=</c> routes): no failover, headers or metadata; the default User-Agent.</summary>
    public static StreamDefinition ForUrl(string url, ProxySettings settings, bool strictLiveTs)
        => new(url, [], null, settings.DefaultUserAgent, new Dictionary<string, string>(), new Dictionary<string, string>(),
            strictLiveTs, settings.UseStickySession, SilenceOverrides.None);

    /// <summary>
    /// A child playlist of <paramref name="parent"/> (an HLS variant, hidden from listings): the parent's
    /// User-Agent and custom headers (the reference forgets the headers), nothing else.
    /// </summary>
    public static StreamDefinition VariantOf(StreamDefinition parent, string url)
        => new(url, [], null, parent.UserAgent, parent.Headers, new Dictionary<string, string>(),
            false, parent.UseStickySession, SilenceOverrides.None, ParentStreamId: parent.Id);
}
