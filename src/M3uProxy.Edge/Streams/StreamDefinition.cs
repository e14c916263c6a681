using System.Text.Json.Serialization;

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
    string? ParentStreamId = null)
{
    [JsonIgnore]
    public string Id { get; } = StreamIds.ForUrl(Url);

    [JsonIgnore]
    public StreamKind Kind { get; } = StreamKindDetector.Detect(Url);

    [JsonIgnore]
    public bool IsVariant => ParentStreamId is not null;

    [JsonIgnore]
    public bool HasFailover => FailoverUrls.Count > 0 || FailoverResolverUrl is not null;
}
