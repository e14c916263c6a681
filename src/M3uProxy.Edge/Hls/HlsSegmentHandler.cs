using System.Buffers;
using M3uProxy.Edge.Api;
using M3uProxy.Edge.Api.Validation;
using M3uProxy.Edge.Clients;
using M3uProxy.Edge.Configuration;
using M3uProxy.Edge.Http;
using M3uProxy.Edge.Lifecycle;
using M3uProxy.Edge.Metrics;
using M3uProxy.Edge.Upstream;

namespace M3uProxy.Edge.Hls;

/// <summary>
/// <c>GET /hls/{id}/segment[.ts]?url=…&amp;client_id=…&amp;sig=…</c>: only URLs the proxy signed
/// for this stream are fetched (no local files, no open proxy). The answer carries the upstream's
/// status, <c>Content-Type</c>, <c>Content-Length</c> and <c>Content-Range</c>; an upstream
/// error status is passed through with a JSON body. Segment failures never trigger a failover.
/// </summary>
internal sealed class HlsSegmentHandler
{
    private readonly HlsStreams _streams;
    private readonly SegmentFetcher _fetcher;
    private readonly StreamLifecycle _lifecycle;
    private readonly UrlSigner _signer;
    private readonly ProxySettings _settings;
    private readonly TimeProvider _time;
    private readonly ProxyMetrics _metrics;
    private readonly LoopbackHls _loopback;
    private readonly HlsOwnerRelay _relay;

    public HlsSegmentHandler(HlsStreams streams, SegmentFetcher fetcher, StreamLifecycle lifecycle, UrlSigner signer, ProxySettings settings, TimeProvider time, ProxyMetrics metrics, LoopbackHls loopback, HlsOwnerRelay relay)
    {
        _relay = relay;
        _loopback = loopback;
        _metrics = metrics;
        _streams = streams;
        _fetcher = fetcher;
        _lifecycle = lifecycle;
        _signer = signer;
        _settings = settings;
        _time = time;
    }

    public async Task ServeAsync(HttpContext context, string streamId)
    {
        var query = new QueryValidator(context.Request.Query);
        var url = query.Required("url");
        var clientId = query.Required("client_id");
        if (query.HasErrors)
        {
            await ApiResults.Validation(query.Errors).ExecuteAsync(context);
            return;
        }

        if (!_signer.Verify(streamId, url, context.Request.Query["sig"].ToString()) || !IsHttp(url))
        {
            await HlsStreams.WriteForbiddenAsync(context.Response);
            return;
        }

        // The stream may have been reaped while a player still holds its URLs: fetch with defaults then.
        _lifecycle.TryGetStream(streamId, out var stream);
        var top = _streams.TopOf(streamId);
        // A transcoder reading its source over loopback is no viewer: not registered, and what it
        // reads is not counted as served (its viewers' bytes are counted where they read its output).
        var transcoder = top is not null && _loopback.IsTranscoderClient(top.Id, clientId);
        var client = top is null || transcoder ? null : _lifecycle.RegisterClient(top, clientId, ClientIdentity.From(context));
        var definition = stream?.Definition;
        var fetch = await _fetcher.FetchAsync(
            new SegmentKey(url, ContentRange.SingleRangeOf(context.Request)),
            definition?.UserAgent ?? _settings.DefaultUserAgent,
            definition?.Headers ?? new Dictionary<string, string>(),
            _relay.SenderFor(top, streamId),
            context.RequestAborted);

        if (fetch.Error is not null)
        {
            stream?.AddError();
        }

        if (!await WriteAsync(context, fetch, url, transcoder ? ServedBytes.Uncounted : new ServedBytes(client, stream, _metrics, _time)))
        {
            return;
        }

        client?.AddSegment();
        if (!transcoder)
        {
            stream?.AddSegments(1);
        }

        stream?.Touch(_time.GetUtcNow());
    }

    /// <summary>Writes what a fetch got: the segment (whole or streamed through) or the error. True when the whole segment went out.</summary>
    internal async Task<bool> WriteAsync(HttpContext context, SegmentFetch fetch, string url, ServedBytes served)
    {
        if (fetch.Error is { } error)
        {
            await WriteErrorAsync(context.Response, error);
            return false;
        }

        if (fetch.Segment is { } segment)
        {
            var response = context.Response;
            Apply(response, segment.StatusCode, segment.ContentType, segment.ContentRange, url);
            response.ContentLength = segment.Body.Length;
            await response.Body.WriteAsync(segment.Body, context.RequestAborted);
            served.Add(segment.Body.Length);
            return true;
        }

        return await StreamThroughAsync(context, fetch, url, served) != CopyResult.Canceled;
    }

    private async Task<CopyResult> StreamThroughAsync(HttpContext context, SegmentFetch fetch, string url, ServedBytes served)
    {
        fetch.TryClaim(out var upstream);
        using (upstream)
        {
            var response = context.Response;
            var headers = upstream.Message.Content.Headers;
            Apply(response, upstream.StatusCode, headers.ContentType?.ToString(), headers.ContentRange?.ToString(), url);
            if (upstream.ContentLength is { } length)
            {
                response.ContentLength = length;
            }

            if (fetch.Prefix is { } prefix)
            {
                try
                {
                    await response.Body.WriteAsync(prefix.AsMemory(0, fetch.PrefixLength), context.RequestAborted);
                    served.Add(fetch.PrefixLength);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(prefix);
                }
            }

            var copy = await BodyCopier.CopyAsync(upstream.Body, response.Body, served, progress: null, context.RequestAborted);
            copy.Report(context, _metrics);
            return copy.Result;
        }
    }

    private static void Apply(HttpResponse response, int statusCode, string? contentType, string? contentRange, string url)
    {
        response.StatusCode = statusCode;
        response.ContentType = ContentTypeOf(contentType, url);
        response.Headers.CacheControl = "no-cache";
        if (contentRange is not null)
        {
            response.Headers.ContentRange = contentRange;
        }

        HlsHeaders.ApplyCors(response);
    }

    /// <summary>
    /// The upstream's type; but a text type on a URL with a media extension (a web server that
    /// calls <c>.ts</c> TypeScript) is the extension's, and no type at all is the extension's or MPEG-TS.
    /// Other text types stay: WebVTT subtitle segments are <c>text/vtt</c>.
    /// </summary>
    private static string ContentTypeOf(string? upstream, string url)
    {
        var fromUrl = MediaContentType.FromUrl(url);
        if (string.IsNullOrEmpty(upstream))
        {
            return fromUrl ?? MediaContentType.MpegTs;
        }

        return upstream.StartsWith("text/", StringComparison.OrdinalIgnoreCase) && fromUrl is not null ? fromUrl : upstream;
    }

    private static Task WriteErrorAsync(HttpResponse response, UpstreamException error)
    {
        if (error is { Failure: UpstreamFailure.Status, StatusCode: { } status })
        {
            HlsHeaders.ApplyCors(response);
            return ApiResults.WriteDetailAsync(response, status, $"Upstream answered {status}");
        }

        return UpstreamErrorResult.WriteAsync(response, error);
    }

    internal static bool IsHttp(string url)
        => Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
