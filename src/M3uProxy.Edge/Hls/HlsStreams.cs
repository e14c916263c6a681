using M3uProxy.Edge.Api;
using M3uProxy.Edge.Http;
using M3uProxy.Edge.Lifecycle;
using M3uProxy.Edge.Streams;

namespace M3uProxy.Edge.Hls;

/// <summary>
/// Which stream an HLS playlist request is for (seed-spec §2.5, §4.5). Without <c>?url=</c>: a
/// listed stream by id. With a signed <c>?url=</c>: a child of the stream in the path — a variant
/// record (id = MD5 of its URL, hidden from listings) that inherits the parent's User-Agent and
/// custom headers. With an unsigned <c>?url=</c>: only a caller with the API token may create a
/// stream, as the reference allows; anybody else gets 403, so the proxy is no open proxy.
/// </summary>
internal sealed class HlsStreams
{
    private readonly StreamLifecycle _lifecycle;
    private readonly ApiTokenValidator _tokens;
    private readonly UrlSigner _signer;
    private readonly AdHocStreams _adHoc;

    public HlsStreams(StreamLifecycle lifecycle, ApiTokenValidator tokens, UrlSigner signer, AdHocStreams adHoc)
    {
        _lifecycle = lifecycle;
        _tokens = tokens;
        _signer = signer;
        _adHoc = adHoc;
    }

    /// <summary>The stream whose playlist to serve and its top-level stream; null after an error answer was written.</summary>
    public async Task<(StreamRecord Target, StreamRecord Top)?> ResolveAsync(HttpContext context, string streamId)
    {
        var query = context.Request.Query;
        var url = query["url"].ToString();
        if (url.Length == 0)
        {
            if (_lifecycle.TryGetListed(streamId, out var listed))
            {
                return (listed, listed);
            }

            await ApiResults.WriteDetailAsync(context.Response, StatusCodes.Status404NotFound, "Stream not found");
            return null;
        }

        if (_signer.Verify(streamId, url, query["sig"].ToString()))
        {
            if (TopOf(streamId) is not { } top)
            {
                await ApiResults.WriteDetailAsync(context.Response, StatusCodes.Status404NotFound, "Stream not found");
                return null;
            }

            return (ChildOf(top, url), top);
        }

        if (!_tokens.IsValid(context.Request, out _))
        {
            await WriteForbiddenAsync(context.Response);
            return null;
        }

        if (AdHocStreams.Problem(url) is { } problem)
        {
            await ApiResults.WriteDetailAsync(context.Response, StatusCodes.Status400BadRequest, problem);
            return null;
        }

        var parentId = query["parent"].ToString();
        if (parentId.Length > 0 && _lifecycle.TryGetListed(parentId, out var parent))
        {
            return (ChildOf(parent, url), parent);
        }

        var created = _adHoc.Create(url, strictLiveTs: false);
        return (created, created);
    }

    /// <summary>The listed stream a path id stands for: itself, or a variant's parent.</summary>
    public StreamRecord? TopOf(string streamId)
    {
        if (!_lifecycle.TryGetStream(streamId, out var stream))
        {
            return null;
        }

        if (stream.Definition.ParentStreamId is not { } parentId)
        {
            return stream;
        }

        return _lifecycle.TryGetStream(parentId, out var parent) && !parent.Definition.IsVariant ? parent : null;
    }

    public static Task WriteForbiddenAsync(HttpResponse response)
        => ApiResults.WriteDetailAsync(response, StatusCodes.Status403Forbidden, "URL signature missing or invalid");

    /// <summary>The child (variant) of <paramref name="top"/> at <paramref name="url"/>: its record, made when it has none.</summary>
    public StreamRecord ChildOf(StreamRecord top, string url)
    {
        var id = StreamIds.ForUrl(url);
        if (id == top.Id)
        {
            return top;
        }

        var definition = top.Definition;
        if (_lifecycle.TryGetStream(id, out var existing) && existing.Definition.ParentStreamId == top.Id
            && existing.Definition.UserAgent == definition.UserAgent && ReferenceEquals(existing.Definition.Headers, definition.Headers))
        {
            return existing;
        }

        var record = _lifecycle.Upsert(StreamDefinition.VariantOf(definition, url), out _);
        // A variant never has clients of its own: it must not announce a stream_stopped when reaped.
        record.TryClaimStopped();
        return record;
    }
}
