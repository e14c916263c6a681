using M3uProxy.Edge.Api;
using M3uProxy.Edge.Clients;
using M3uProxy.Edge.Configuration;
using M3uProxy.Edge.Lifecycle;
using M3uProxy.Edge.Metrics;
using M3uProxy.Edge.Packaging;
using M3uProxy.Edge.Streams;
using M3uProxy.Edge.Transcoding;

namespace M3uProxy.Edge.Hls;

/// <summary>
/// <c>GET /hls/{id}/playlist.m3u8</c>: resolves the stream, registers the client once against the
/// top-level stream, gets the upstream playlist (shared, cached, through failover; in a cluster
/// from the instance that owns the stream) and writes it rewritten straight into the response.
/// </summary>
internal sealed class HlsPlaylistHandler
{
    // A player with a few segments buffered polls rarely; it is dropped only after this many target durations.
    private const int IdleTargetDurations = 3;

    private readonly HlsStreams _streams;
    private readonly HlsOwnerRelay _relay;
    private readonly StreamLifecycle _lifecycle;
    private readonly UrlSigner _signer;
    private readonly ProxySettings _settings;
    private readonly TimeProvider _time;
    private readonly ProxyMetrics _metrics;
    private readonly LoopbackHls _loopback;
    private readonly TranscodedHlsOutput _transcoded;
    private readonly PackagedHlsHandler _packaged;

    public HlsPlaylistHandler(HlsStreams streams, HlsOwnerRelay relay, StreamLifecycle lifecycle, UrlSigner signer, ProxySettings settings, TimeProvider time, ProxyMetrics metrics, LoopbackHls loopback, TranscodedHlsOutput transcoded, PackagedHlsHandler packaged)
    {
        _loopback = loopback;
        _transcoded = transcoded;
        _packaged = packaged;
        _metrics = metrics;
        _streams = streams;
        _relay = relay;
        _lifecycle = lifecycle;
        _signer = signer;
        _settings = settings;
        _time = time;
    }

    public async Task ServeAsync(HttpContext context, string streamId)
    {
        if (await _streams.ResolveAsync(context, streamId) is not { } resolved)
        {
            return;
        }

        var (target, top) = resolved;

        var identity = ClientIdentity.From(context);
        var clientId = context.Request.Query["client_id"].ToString();
        if (clientId.Length == 0)
        {
            clientId = StreamIds.DeriveClientId(identity.IpAddress, identity.UserAgent, top.Id, identity.Username);
        }

        // A transcoder reading its source over loopback is no viewer: it is never registered, and
        // its child URLs carry its own client id so its segment requests are not counted either.
        var transcoderInput = top.Definition.IsTranscoded
            && (ReferenceEquals(target, top) ? _loopback.IsTranscoderInput(context, top.Id) : _loopback.IsTranscoderClient(top.Id, clientId));
        ClientRecord? client = null;
        if (transcoderInput)
        {
            clientId = _loopback.ClientId(top.Id);
        }
        else if ((client = _lifecycle.RegisterClient(top, clientId, identity)) is null)
        {
            await ApiResults.WriteDetailAsync(context.Response, StatusCodes.Status404NotFound, "Stream not found");
            return;
        }

        // A transcoded stream's playlist is its transcoder's output; only its own ffmpeg (signed, over
        // loopback) reads the source playlist through here.
        if (top.Definition.IsTranscoded && ReferenceEquals(target, top) && !transcoderInput)
        {
            if (top.Definition.Kind == StreamKind.TranscodedHls)
            {
                await _transcoded.ServePlaylistAsync(context, top, identity);
                return;
            }

            await ApiResults.WriteDetailAsync(context.Response, StatusCodes.Status404NotFound, $"Stream {top.Id} is transcoded to a direct stream: play /stream/{top.Id}");
            return;
        }

        target.Touch(_time.GetUtcNow());
        if (ReferenceEquals(target, top) && top.Definition.Kind == StreamKind.LiveContinuous && client is not null)
        {
            // A live MPEG-TS stream: HLS cut from its channel's shared buffer, no upstream playlist.
            await _packaged.ServePlaylistAsync(context, top, client);
            return;
        }

        UpstreamPlaylist playlist;
        try
        {
            playlist = await _relay.GetPlaylistAsync(target, top, context.RequestAborted);
        }
        catch (PlaylistException exception)
        {
            await ApiResults.WriteDetailAsync(context.Response, exception.StatusCode, exception.Message);
            return;
        }

        if (playlist.TargetDuration is { } targetDuration && client is not null)
        {
            client.IdleTimeout = targetDuration * IdleTargetDurations;
        }

        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = HlsHeaders.PlaylistContentType;
        response.Headers["X-Client-ID"] = clientId;
        response.Headers["X-Stream-ID"] = target.Id;
        HlsHeaders.ApplyCors(response);
        // A template is for one stream and parent: the same cached bytes can be a variant of two masters.
        var template = playlist.Template;
        if (template is null || template.StreamId != target.Id || template.ParentId != top.Id)
        {
            template = RewriteTemplate.Build(playlist.Bytes, _settings.RootPath, target.Id, top.Id, playlist.FinalUrl, _settings.HlsCarryParentQuery, _signer);
            playlist.Template = template;
        }

        var output = new BatchingBufferWriter(response.BodyWriter);
        template.Write(output, ChildUrlMapper.ClientPart(clientId));
        output.Commit();
        if (!transcoderInput)
        {
            _metrics.BytesServed(output.Written);
        }

        await response.BodyWriter.FlushAsync(context.RequestAborted);
    }
}
