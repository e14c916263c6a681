using System.Globalization;
using M3uProxy.Edge.Api;
using M3uProxy.Edge.Clients;
using M3uProxy.Edge.Lifecycle;
using M3uProxy.Edge.Metrics;
using M3uProxy.Edge.Streams;

namespace M3uProxy.Edge.Packaging;

/// <summary>
/// HLS for a live MPEG-TS stream: <c>/hls/{id}/playlist.m3u8</c> (reached through the HLS playlist
/// route, which registers the client) answers the packager's live media playlist, and
/// <c>/hls/{id}/live/{sequence}.ts</c> a segment from memory.
/// </summary>
internal sealed class PackagedHlsHandler
{
    public const string PlaylistContentType = "application/vnd.apple.mpegurl";

    // A player polls about once per target duration; it is dropped after this many without a request.
    private const int IdleTargetDurations = 3;
    private static readonly TimeSpan _firstSegmentTimeout = TimeSpan.FromSeconds(20);

    private readonly LivePackagers _packagers;
    private readonly StreamLifecycle _lifecycle;
    private readonly TimeProvider _time;
    private readonly ProxyMetrics _metrics;

    public PackagedHlsHandler(LivePackagers packagers, StreamLifecycle lifecycle, TimeProvider time, ProxyMetrics metrics)
    {
        _packagers = packagers;
        _lifecycle = lifecycle;
        _time = time;
        _metrics = metrics;
    }

    /// <summary>The playlist of <paramref name="stream"/> for a client the HLS route has registered.</summary>
    public async Task ServePlaylistAsync(HttpContext context, StreamRecord stream, ClientRecord client)
    {
        var packager = _packagers.GetOrStart(stream);
        try
        {
            await packager.FirstSegment.WaitAsync(_firstSegmentTimeout, context.RequestAborted);
        }
        catch (TimeoutException)
        {
            await ApiResults.WriteDetailAsync(context.Response, StatusCodes.Status504GatewayTimeout, "No keyframe arrived from the live stream in time to cut a segment");
            return;
        }

        var (segments, discontinuitySequence) = packager.Snapshot();
        if (segments.Count == 0)
        {
            var reason = packager.Error is { } error ? Upstream.UrlMasking.MaskText(error.Message) : "The live stream ended before its first segment";
            await ApiResults.WriteDetailAsync(context.Response, StatusCodes.Status502BadGateway, reason ?? "Upstream error");
            return;
        }

        client.IdleTimeout = TimeSpan.FromSeconds(Math.Ceiling(segments.Max(s => s.DurationSeconds)) * IdleTargetDurations);
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = PlaylistContentType;
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Client-ID"] = client.ClientId;
        response.Headers["X-Stream-ID"] = stream.Id;
        var text = PackagedPlaylist.Write(segments, discontinuitySequence, client.ClientId);
        await response.WriteAsync(text, context.RequestAborted);
        _metrics.BytesServed(text.Length);
    }

    /// <summary><c>GET /hls/{id}/live/{sequence}.ts</c>.</summary>
    public async Task ServeSegmentAsync(HttpContext context, string streamId, string sequence)
    {
        if (!long.TryParse(sequence, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            || _packagers.Find(streamId) is not { } packager
            || packager.Find(number) is not { } segment)
        {
            await ApiResults.WriteDetailAsync(context.Response, StatusCodes.Status404NotFound, "Segment not found");
            return;
        }

        packager.Touch();
        var clientId = context.Request.Query["client_id"].ToString();
        ClientRecord? client = null;
        if (_lifecycle.TryGetStream(streamId, out var stream) && clientId.Length > 0)
        {
            client = _lifecycle.RegisterClient(stream, clientId, ClientIdentity.From(context));
        }

        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "video/mp2t";
        response.ContentLength = segment.Data.Length;
        response.Headers.CacheControl = "max-age=60";
        await response.Body.WriteAsync(segment.Data, context.RequestAborted);
        var now = _time.GetUtcNow();
        _metrics.BytesServed(segment.Data.Length);
        client?.AddBytes(segment.Data.Length, now);
        client?.AddSegment();
        stream?.AddBytes(segment.Data.Length);
        stream?.AddSegments(1);
    }
}
