using M3uProxy.Edge.Configuration;
using M3uProxy.Edge.Failover;
using M3uProxy.Edge.Streams;
using M3uProxy.Edge.Upstream;

namespace M3uProxy.Edge.Hls;

/// <summary>
/// Gets a stream's playlist through the failover state machine (seed-spec §5.1): each failure
/// advances the stream's sources once (concurrent failures of one fetch advance once, through the
/// sources' version), up to one round of the failover list (10 tries with only a resolver).
/// A variant's failure advances its parent. After the parent has failed over, a variant of the
/// old master is served from the variant at the same position of the new master, never from the
/// old source.
/// </summary>
internal sealed partial class PlaylistSource
{
    private const int ResolverAttempts = 10;

    private readonly PlaylistCache _cache;
    private readonly FailoverCoordinator _failover;
    private readonly ProxySettings _settings;
    private readonly ILogger<PlaylistSource> _logger;

    public PlaylistSource(PlaylistCache cache, FailoverCoordinator failover, ProxySettings settings, ILogger<PlaylistSource> logger)
    {
        _cache = cache;
        _failover = failover;
        _settings = settings;
        _logger = logger;
    }

    /// <summary>The playlist of a top-level stream; throws <see cref="PlaylistException"/> when no source gives one.</summary>
    public async Task<UpstreamPlaylist> GetAsync(StreamRecord stream, CancellationToken cancellationToken)
    {
        var definition = stream.Definition;
        var sources = _failover.SourcesOf(stream);
        PlaylistException? last = null;
        for (var attempt = 0; attempt < AttemptsFor(definition); attempt++)
        {
            var version = sources.Version;
            var url = sources.CurrentUrl;
            try
            {
                var playlist = await _cache.GetAsync(url, definition.UserAgent, definition.Headers, cancellationToken);
                if (definition.UseStickySession && playlist.FinalUrl != url)
                {
                    sources.Stick(playlist.FinalUrl);
                }

                return playlist;
            }
            catch (PlaylistException exception)
            {
                last = exception;
                stream.AddError();
                Log.FetchFailed(_logger, stream.Id, UrlMasking.Mask(url), exception.Message);
                if (!await AdvanceAsync(stream, sources, version, exception, cancellationToken))
                {
                    break;
                }
            }
        }

        throw last!;
    }

    /// <summary>The playlist of a variant of <paramref name="parent"/>, following the parent's failovers.</summary>
    public async Task<UpstreamPlaylist> GetVariantAsync(StreamRecord variant, StreamRecord parent, CancellationToken cancellationToken)
    {
        var definition = variant.Definition;
        var sources = _failover.SourcesOf(parent);
        var origin = await OriginOfAsync(variant, parent, cancellationToken);
        PlaylistException? last = null;
        for (var attempt = 0; attempt < AttemptsFor(parent.Definition); attempt++)
        {
            var version = sources.Version;
            try
            {
                var url = origin.MasterUrl == sources.CurrentUrl || origin.Position < 0
                    ? definition.Url
                    : await CounterpartAsync(parent, origin.Position, cancellationToken) ?? definition.Url;
                return await _cache.GetAsync(url, definition.UserAgent, definition.Headers, cancellationToken);
            }
            catch (PlaylistException exception)
            {
                last = exception;
                variant.AddError();
                Log.FetchFailed(_logger, variant.Id, UrlMasking.Mask(definition.Url), exception.Message);
                if (!await AdvanceAsync(parent, sources, version, exception, cancellationToken))
                {
                    break;
                }
            }
        }

        throw last!;
    }

    private async Task<bool> AdvanceAsync(StreamRecord stream, StreamSources sources, long seenVersion, PlaylistException exception, CancellationToken cancellationToken)
    {
        if (stream.Definition.UseStickySession && sources.TryRecoverSticky(seenVersion))
        {
            return true;
        }

        if (!stream.Definition.HasFailover)
        {
            return false;
        }

        var change = await _failover.AdvanceAsync(stream, seenVersion, exception.Reason, exception.UpstreamStatus, cancellationToken);
        // Null with a changed version: another request advanced for the same failure; try its URL.
        return change is not null || sources.Version != seenVersion;
    }

    private static int AttemptsFor(StreamDefinition definition)
        => definition.FailoverUrls.Count > 0 ? definition.FailoverUrls.Count + 1 : definition.FailoverResolverUrl is not null ? ResolverAttempts : 1;

    /// <summary>Which master a variant came from and where it stood in it, noted on the variant's first request.</summary>
    private async Task<VariantOrigin> OriginOfAsync(StreamRecord variant, StreamRecord parent, CancellationToken cancellationToken)
    {
        if (variant.Failover.Origin is { } known)
        {
            return known;
        }

        var masterUrl = _failover.SourcesOf(parent).CurrentUrl;
        var position = -1;
        try
        {
            var master = await GetAsync(parent, cancellationToken);
            position = ChildPlaylists.Of(master, _settings.HlsCarryParentQuery).IndexOf(variant.Definition.Url);
        }
        catch (PlaylistException)
        {
            // The master is unavailable: serve the variant's own URL.
        }

        return _failover.SourcesOf(variant).NoteOrigin(new VariantOrigin(masterUrl, position));
    }

    private async Task<string?> CounterpartAsync(StreamRecord parent, int position, CancellationToken cancellationToken)
    {
        var children = ChildPlaylists.Of(await GetAsync(parent, cancellationToken), _settings.HlsCarryParentQuery);
        return position < children.Count ? children[position] : children.FirstOrDefault();
    }

    private static partial class Log
    {
        [LoggerMessage(450, LogLevel.Warning, "HLS {StreamId}: playlist {Url} failed: {Error}")]
        public static partial void FetchFailed(ILogger logger, string streamId, string url, string error);
    }
}
