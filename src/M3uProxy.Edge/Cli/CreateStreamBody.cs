namespace M3uProxy.Edge.Cli;

/// <summary>What <c>create</c> sends as <c>POST /streams</c>; absent options are left out of the JSON.</summary>
internal sealed record CreateStreamBody(
    string Url,
    IReadOnlyList<string>? FailoverUrls,
    string? UserAgent,
    IReadOnlyDictionary<string, string>? Headers,
    IReadOnlyDictionary<string, string>? Metadata);
