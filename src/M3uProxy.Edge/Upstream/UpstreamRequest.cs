namespace M3uProxy.Edge.Upstream;

/// <summary>What to ask an upstream for: the URL, the stream's User-Agent and custom headers, and an optional range.</summary>
internal sealed record UpstreamRequest(
    string Url,
    string UserAgent,
    IReadOnlyDictionary<string, string> Headers,
    string? Range = null,
    bool HeadOnly = false);
