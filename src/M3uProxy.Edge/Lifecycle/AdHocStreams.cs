using M3uProxy.Edge.Configuration;
using M3uProxy.Edge.Streams;

namespace M3uProxy.Edge.Lifecycle;

/// <summary>
/// The unsigned <c>?url=</c> flow of <c>/stream/{id}</c> and <c>/hls/{id}/playlist.m3u8</c>: after the
/// route checked the API token, the URL is validated and a stream with the defaults is created (or
/// the one with that id reused). The routes differ only in their 403 text and in strict live TS.
/// </summary>
internal sealed class AdHocStreams
{
    private readonly StreamLifecycle _lifecycle;
    private readonly ProxySettings _settings;

    public AdHocStreams(StreamLifecycle lifecycle, ProxySettings settings)
    {
        _lifecycle = lifecycle;
        _settings = settings;
    }

    /// <summary>The 400 detail for a URL that is not a usable upstream; null when it is.</summary>
    public static string? Problem(string url)
        => UpstreamUrlValidator.Validate(url) is { } problem ? "Invalid URL provided: " + problem : null;

    public StreamRecord Create(string url, bool strictLiveTs)
        => _lifecycle.Upsert(StreamDefinition.ForUrl(url, _settings, strictLiveTs), out _);
}
