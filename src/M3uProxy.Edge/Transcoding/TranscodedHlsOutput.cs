using M3uProxy.Edge.Api;
using M3uProxy.Edge.Clients;
using M3uProxy.Edge.Coordination;
using M3uProxy.Edge.FanOut;
using M3uProxy.Edge.Lifecycle;
using M3uProxy.Edge.Streams;
using M3uProxy.Edge.Tools.Ffmpeg;

namespace M3uProxy.Edge.Transcoding;

/// <summary>
/// HLS output of a transcoder (<c>output_format: "hls"</c>): the first playlist request starts the
/// stream's channel (and so its ffmpeg) and holds it while players keep asking; the playlist and
/// segments come from the session's own folder by their opaque names. Players that stop asking
/// release it; the channel's grace then stops ffmpeg and the folder goes with it. In a cluster the
/// transcoder runs on the instance that owns the channel; the others hold their channel as a relay
/// (which keeps the owner's transcoder running, and takes over when the owner is gone) and fetch
/// the playlist and segments from the owner (<c>/cluster/hls/{id}/…</c>).
/// </summary>
internal sealed partial class TranscodedHlsOutput : IDisposable
{
    /// <summary>The playlist's name in the routes (<c>/hls/{id}/playlist.m3u8</c>, <c>/cluster/hls/{id}/playlist.m3u8</c>).</summary>
    public const string PlaylistRoute = "playlist.m3u8";

    private static readonly TimeSpan _idleAfter = TimeSpan.FromSeconds(15);
    private readonly LiveChannelRegistry _channels;
    private readonly TranscodeSessions _sessions;
    private readonly StreamLifecycle _lifecycle;
    private readonly TranscodingOptions _options;
    private readonly Dictionary<string, Watch> _watches = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly ITimer _sweep;
    private readonly TimeProvider _time;
    private readonly ClusterChannels _cluster;

    public TranscodedHlsOutput(LiveChannelRegistry channels, TranscodeSessions sessions, StreamLifecycle lifecycle, TranscodingOptions options, TimeProvider time, ClusterChannels cluster)
    {
        _cluster = cluster;
        _channels = channels;
        _sessions = sessions;
        _lifecycle = lifecycle;
        _options = options;
        _time = time;
        _sweep = time.CreateTimer(_ => Sweep(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    /// <summary>Routes of the segments (the playlist shares <c>/hls/{id}/playlist.m3u8</c> with proxied HLS).</summary>
    public static IEndpointRouteBuilder MapTranscodedHlsFiles(IEndpointRouteBuilder routes)
    {
        // Literal routes (playlist.m3u8, segment, segment.ts) win; any other name is checked against the served names.
        // A plain request delegate (Api/PlainRoutes).
        routes.MapGet("/hls/{streamId}/{file}", context => context.Service<TranscodedHlsOutput>().ServeFileAsync(context, context.RouteValue("streamId"), context.RouteValue("file")));
        return routes;
    }

    public async Task ServePlaylistAsync(HttpContext context, StreamRecord stream, ClientIdentity viewer)
    {
        var channel = Hold(stream, viewer);
        var deadline = DateTime.UtcNow + _options.HlsWait;
        while (true)
        {
            if (_sessions.TryGet(stream.Id, out var session) && session.Hls is { } hls && hls.TryOpen(hls.PlaylistName) is { } playlist)
            {
                await using (playlist)
                {
                    context.Response.StatusCode = StatusCodes.Status200OK;
                    context.Response.ContentType = "application/vnd.apple.mpegurl";
                    context.Response.Headers.CacheControl = "no-cache, no-store";
                    context.Response.Headers.AccessControlAllowOrigin = "*";
                    await playlist.CopyToAsync(context.Response.Body, context.RequestAborted);
                }

                return;
            }

            if (await TryServeFromOwnerAsync(context, stream.Id, PlaylistRoute))
            {
                return;
            }

            if (channel.HasEnded || DateTime.UtcNow >= deadline)
            {
                context.Response.Headers.RetryAfter = "2";
                var why = channel.HasEnded ? "the transcoder stopped: " + (session?.LastError ?? "no input") : $"no playlist within {_options.HlsWait.TotalSeconds:0} s";
                await ApiResults.WriteDetailAsync(context.Response, StatusCodes.Status503ServiceUnavailable, "Transcoded HLS output not ready: " + why);
                return;
            }

            await Task.Delay(100, context.RequestAborted);
        }
    }

    public async Task ServeFileAsync(HttpContext context, string streamId, string file)
    {
        if (!_sessions.TryGet(streamId, out var session) || session.Hls?.TryOpen(file) is not { } stream)
        {
            if (!await TryServeFromOwnerAsync(context, streamId, file))
            {
                await ApiResults.WriteDetailAsync(context.Response, StatusCodes.Status404NotFound, "Segment not found");
            }

            return;
        }

        Touch(streamId);
        await WriteFileAsync(context, file, stream);
    }

    /// <summary>
    /// The owner's side of <c>/cluster/hls/{id}/{file}</c>: a file of the transcoder running here, by
    /// the names it serves (never a path); 409 when none runs here (the caller asks the owner again).
    /// </summary>
    public async Task ServeForClusterAsync(HttpContext context, string streamId, string file)
    {
        if (!_sessions.TryGet(streamId, out var session) || session.Hls is not { } hls)
        {
            await ApiResults.WriteDetailAsync(context.Response, StatusCodes.Status409Conflict, "No transcoder of this stream runs here");
            return;
        }

        if (hls.TryOpen(file == PlaylistRoute ? hls.PlaylistName : file) is not { } stream)
        {
            await ApiResults.WriteDetailAsync(context.Response, StatusCodes.Status404NotFound, "Segment not found");
            return;
        }

        ClusterChannels.WriteFencingToken(context.Response, _cluster.HeldToken(streamId));
        await WriteFileAsync(context, file, stream);
    }

    private static async Task WriteFileAsync(HttpContext context, string file, FileStream stream)
    {
        await using (stream)
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = file.EndsWith(".ts", StringComparison.Ordinal) ? "video/mp2t" : file.EndsWith(".m3u8", StringComparison.Ordinal) ? "application/vnd.apple.mpegurl" : "video/mp4";
            context.Response.ContentLength = stream.Length;
            context.Response.Headers.AccessControlAllowOrigin = "*";
            await stream.CopyToAsync(context.Response.Body, context.RequestAborted);
        }
    }

    // Another instance runs the transcoder: its file, passed on. False when there is none to pass on (yet).
    private async Task<bool> TryServeFromOwnerAsync(HttpContext context, string streamId, string file)
    {
        if (!_cluster.IsShared || await _cluster.OwnerElsewhereAsync(streamId, context.RequestAborted) is not { AdvertiseUrl.Length: > 0 } owner)
        {
            return false;
        }

        HttpResponseMessage answer;
        try
        {
            answer = await _cluster.GetFromOwnerAsync(owner, $"{ClusterChannels.HlsPath}{streamId}/{Uri.EscapeDataString(file)}", range: null, context.RequestAborted);
        }
        catch (RelayRefusedException)
        {
            return false;
        }

        using (answer)
        {
            if (answer.StatusCode != System.Net.HttpStatusCode.OK)
            {
                return false;
            }

            Touch(streamId);
            var response = context.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = answer.Content.Headers.ContentType?.ToString() ?? "application/octet-stream";
            response.ContentLength = answer.Content.Headers.ContentLength;
            response.Headers.CacheControl = "no-cache, no-store";
            response.Headers.AccessControlAllowOrigin = "*";
            if (file != PlaylistRoute)
            {
                await using var body = await answer.Content.ReadAsStreamAsync(context.RequestAborted);
                await body.CopyToAsync(response.Body, context.RequestAborted);
                return true;
            }

            var playlist = await answer.Content.ReadAsByteArrayAsync(context.RequestAborted);
            if (LastSegmentNumber(playlist) is { } last)
            {
                _sessions.NoteRelayedSegment(streamId, last);
            }

            await response.Body.WriteAsync(playlist, context.RequestAborted);
            return true;
        }
    }

    // The number of the last segment a transcoder's playlist lists (its names are seg_NNNNNN.ts|m4s).
    private static long? LastSegmentNumber(byte[] playlist)
    {
        var lines = System.Text.Encoding.UTF8.GetString(playlist).Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var last = lines.LastOrDefault(line => !line.StartsWith('#'));
        return last is not null && HlsOutputDirectory.TryParseSegmentNumber(last, HlsOutputDirectory.PrivateSegmentPrefix, out var number) ? number : null;
    }

    public void Dispose()
    {
        _sweep.Dispose();
        lock (_gate)
        {
            foreach (var watch in _watches.Values)
            {
                _channels.Leave(watch.Channel, watch.Reader, watch.Viewer);
            }

            _watches.Clear();
        }
    }

    // The HLS players of a stream hold its channel as one viewer, for as long as any of them polls.
    private LiveChannel Hold(StreamRecord stream, ClientIdentity viewer)
    {
        lock (_gate)
        {
            if (_watches.TryGetValue(stream.Id, out var watch) && !watch.Channel.HasEnded && !watch.Channel.IsStopping)
            {
                watch.LastRequest = _time.GetUtcNow();
                return watch.Channel;
            }

            if (watch is not null)
            {
                _channels.Leave(watch.Channel, watch.Reader, watch.Viewer);
            }

            var (channel, reader, _) = _channels.Join(stream, viewer);
            _watches[stream.Id] = new Watch(channel, reader, viewer) { LastRequest = _time.GetUtcNow() };
            return channel;
        }
    }

    private void Touch(string streamId)
    {
        lock (_gate)
        {
            if (_watches.TryGetValue(streamId, out var watch))
            {
                watch.LastRequest = _time.GetUtcNow();
            }
        }
    }

    private void Sweep()
    {
        lock (_gate)
        {
            foreach (var (id, watch) in _watches.ToList())
            {
                var removed = !_lifecycle.TryGetStream(id, out _);
                if (removed || watch.Channel.HasEnded || _time.GetUtcNow() - watch.LastRequest > _idleAfter)
                {
                    _channels.Leave(watch.Channel, watch.Reader, watch.Viewer);
                    _watches.Remove(id);
                    _sessions.ForgetRelayed(id);
                }
            }
        }
    }

    private sealed class Watch(LiveChannel channel, FanOutReader reader, ClientIdentity viewer)
    {
        public LiveChannel Channel { get; } = channel;

        public FanOutReader Reader { get; } = reader;

        public ClientIdentity Viewer { get; } = viewer;

        public DateTimeOffset LastRequest { get; set; }
    }
}
