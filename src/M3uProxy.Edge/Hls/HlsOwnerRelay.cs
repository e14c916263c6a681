using System.Net;
using M3uProxy.Edge.Coordination;
using M3uProxy.Edge.Streams;
using M3uProxy.Edge.Upstream;

namespace M3uProxy.Edge.Hls;

/// <summary>
/// One upstream for an HLS source across the cluster: the instance that owns the stream
/// (<see cref="RequestedChannels"/>) fetches its playlists and segments upstream, through its own
/// caches and failover; the others get them from it (<c>/cluster/hls/{id}/…</c>, see
/// <see cref="ClusterHlsEndpoints"/>), with the same single flight and caches in front, and
/// rewrite and count them for their own viewers. An owner that stops answering is waited out:
/// once its lease expires the next request takes it and fetches upstream here. On a single
/// instance, and for transcoded streams (their transcoder reads the source where it runs), it
/// changes nothing.
/// </summary>
internal sealed class HlsOwnerRelay
{
    /// <summary>The owner's header with the URL its playlist came from (after redirects): the base of relative URIs.</summary>
    public const string PlaylistUrlHeader = "X-Cluster-Playlist-Url";

    private const string RelayReason = "cluster_relay";
    private const string MovedReason = "cluster_owner_moved";
    private const int Attempts = 3;

    private readonly RequestedChannels _owners;
    private readonly ClusterChannels _cluster;
    private readonly PlaylistSource _source;
    private readonly PlaylistCache _cache;
    private readonly UpstreamClient _upstream;

    public HlsOwnerRelay(RequestedChannels owners, ClusterChannels cluster, PlaylistSource source, PlaylistCache cache, UpstreamClient upstream)
    {
        _owners = owners;
        _cluster = cluster;
        _source = source;
        _cache = cache;
        _upstream = upstream;
    }

    /// <summary>Whether the stream's HLS is fetched once for the cluster (a cluster, an HLS source that is not transcoded).</summary>
    public bool IsShared(StreamRecord top) => _owners.IsShared && top.Definition is { Kind: StreamKind.Hls, IsTranscoded: false };

    /// <summary>The playlist of <paramref name="target"/> (the top stream or one of its variants): fetched here, or by the owner.</summary>
    public async Task<UpstreamPlaylist> GetPlaylistAsync(StreamRecord target, StreamRecord top, CancellationToken cancellationToken)
    {
        InstanceInfo? unreachable = null;
        for (var attempt = 1; ; attempt++)
        {
            var owner = IsShared(top) ? await OwnerAsync(top, unreachable, cancellationToken) : null;
            if (owner is null)
            {
                if (ReferenceEquals(target, top))
                {
                    return await _source.GetAsync(top, cancellationToken);
                }

                await _owners.HoldPartAsync(target, top); // its segments may be asked for where the variant is not known
                return await _source.GetVariantAsync(target, top, cancellationToken);
            }

            var key = $"cluster\n{owner.WorkerId}\n{target.Id}\n{target.Definition.Url}";
            try
            {
                return await _cache.GetAsync(key, (Relay: this, Owner: owner, Target: target, Top: top), static s => s.Relay.FetchPlaylistAsync(s.Owner, s.Target, s.Top), secondHand: true, cancellationToken);
            }
            catch (PlaylistException moved) when (moved.Reason == MovedReason && attempt < Attempts)
            {
                unreachable = owner; // gone, stopping or overtaken: its lease is waited out, or the new owner asked
            }
        }
    }

    /// <summary>
    /// What fetches a segment of <paramref name="top"/> (or of one of its variants): null for the
    /// upstream, else through the owner. When the stream is not known here (<paramref name="top"/>
    /// null: a variant another instance served the playlist of), through the instance that holds
    /// <paramref name="streamId"/>'s lease, if any.
    /// </summary>
    public Func<UpstreamRequest, CancellationToken, Task<UpstreamResponse>>? SenderFor(StreamRecord? top, string streamId)
    {
        if (top is null)
        {
            return _owners.IsShared ? (request, cancellationToken) => SendUnknownSegmentAsync(streamId, request, cancellationToken) : null;
        }

        return IsShared(top) ? (request, cancellationToken) => SendSegmentAsync(top, request, cancellationToken) : null;
    }

    private async ValueTask<InstanceInfo?> OwnerAsync(StreamRecord top, InstanceInfo? unreachable, CancellationToken cancellationToken)
    {
        try
        {
            return await _owners.OwnerElsewhereAsync(top, unreachable, cancellationToken);
        }
        catch (RelayRefusedException refused)
        {
            throw new PlaylistException(StatusCodes.Status503ServiceUnavailable, "Playlist not available: " + refused.Message, RelayReason);
        }
    }

    // Not cancelled by one viewer: others may be waiting for the same answer (bounded by the relay's timeouts).
    private async Task<UpstreamPlaylist> FetchPlaylistAsync(InstanceInfo owner, StreamRecord target, StreamRecord top)
    {
        var query = ReferenceEquals(target, top) ? "" : "?url=" + Uri.EscapeDataString(target.Definition.Url);
        HttpResponseMessage asked;
        try
        {
            asked = await AskOwnerAsync(owner, top, $"{ClusterChannels.HlsPath}{top.Id}/playlist.m3u8{query}", range: null, CancellationToken.None);
        }
        catch (OwnerMovedException moved)
        {
            // A PlaylistException passes the cache's single flight as it is: the caller asks again.
            throw new PlaylistException(StatusCodes.Status503ServiceUnavailable, "Playlist not available: " + moved.Message, MovedReason);
        }

        using var answer = asked;
        if (!answer.IsSuccessStatusCode)
        {
            var detail = await ClusterChannels.ReadDetailAsync(answer, CancellationToken.None);
            throw new PlaylistException((int)answer.StatusCode, detail, RelayReason);
        }

        using var timeout = new CancellationTokenSource(HlsLimits.PlaylistBodyTimeout);
        await using var body = await answer.Content.ReadAsStreamAsync(timeout.Token);
        var bytes = await PlaylistCache.ReadBodyAsync(body, timeout.Token);
        var finalUrl = answer.Headers.TryGetValues(PlaylistUrlHeader, out var values) ? values.FirstOrDefault() : null;
        return new UpstreamPlaylist(bytes, finalUrl ?? target.Definition.Url);
    }

    // Only a hint: when the owner is not found or does not answer, the upstream is asked from here.
    private async Task<UpstreamResponse> SendUnknownSegmentAsync(string streamId, UpstreamRequest request, CancellationToken cancellationToken)
    {
        if (await _owners.FindPartOwnerAsync(streamId, cancellationToken) is { } owner)
        {
            HttpResponseMessage? answer = null;
            try
            {
                answer = await _cluster.GetFromOwnerAsync(owner, SegmentPath(streamId, request), request.Range, cancellationToken);
            }
            catch (RelayRefusedException)
            {
                _owners.Forget(streamId);
            }

            // Not the owner any more, or it does not know the part either (4xx): ask the upstream from here.
            if (answer is { } known && ((int)known.StatusCode is < 400 or >= 500 or StatusCodes.Status416RangeNotSatisfiable))
            {
                return await ToUpstreamResponseAsync(known, request, cancellationToken);
            }

            answer?.Dispose();
        }

        return await _upstream.SendAsync(request, cancellationToken);
    }

    private static string SegmentPath(string streamId, UpstreamRequest request) => $"{ClusterChannels.HlsPath}{streamId}/segment.ts?url={Uri.EscapeDataString(request.Url)}";

    private async Task<UpstreamResponse> SendSegmentAsync(StreamRecord top, UpstreamRequest request, CancellationToken cancellationToken)
    {
        var path = SegmentPath(top.Id, request);
        InstanceInfo? unreachable = null;
        for (var attempt = 1; ; attempt++)
        {
            InstanceInfo? owner;
            try
            {
                owner = await _owners.OwnerElsewhereAsync(top, unreachable, cancellationToken);
            }
            catch (RelayRefusedException refused)
            {
                throw new UpstreamException(UpstreamFailure.Connect, "No instance of the cluster fetches this stream: " + refused.Message);
            }

            if (owner is null)
            {
                return await _upstream.SendAsync(request, cancellationToken);
            }

            HttpResponseMessage answer;
            try
            {
                answer = await AskOwnerAsync(owner, top, path, request.Range, cancellationToken);
            }
            catch (OwnerMovedException) when (attempt < Attempts)
            {
                unreachable = owner;
                continue;
            }
            catch (OwnerMovedException moved)
            {
                throw new UpstreamException(UpstreamFailure.Connect, moved.Message);
            }

            return await ToUpstreamResponseAsync(answer, request, cancellationToken);
        }
    }

    // The owner's answer as the upstream's would be: its error status an UpstreamException, else an open body.
    private static async Task<UpstreamResponse> ToUpstreamResponseAsync(HttpResponseMessage answer, UpstreamRequest request, CancellationToken cancellationToken)
    {
        var status = (int)answer.StatusCode;
        if (status >= 400 && status != StatusCodes.Status416RangeNotSatisfiable)
        {
            var contentType = answer.Content.Headers.ContentType?.MediaType;
            answer.Dispose();
            throw new UpstreamException(UpstreamFailure.Status, $"Upstream answered {status} (through the owning instance)", status, contentType: contentType);
        }

        try
        {
            var body = await answer.Content.ReadAsStreamAsync(cancellationToken);
            return new UpstreamResponse(answer, body, new Uri(request.Url));
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            answer.Dispose();
            throw new UpstreamException(UpstreamFailure.Read, "The owning instance's answer could not be read", status, exception);
        }
    }

    // The owner's answer; an owner that is gone, moved on or was overtaken (a lower fencing token
    // than one seen before) is an OwnerMovedException: ask again.
    private async Task<HttpResponseMessage> AskOwnerAsync(InstanceInfo owner, StreamRecord top, string pathAndQuery, string? range, CancellationToken cancellationToken)
    {
        HttpResponseMessage answer;
        try
        {
            answer = await _cluster.GetFromOwnerAsync(owner, pathAndQuery, range, cancellationToken);
        }
        catch (RelayRefusedException refused)
        {
            _owners.Forget(top.Id);
            throw new OwnerMovedException($"the owning instance {owner.WorkerId} did not answer ({refused.Message})");
        }

        if (answer.StatusCode == HttpStatusCode.Conflict || !_owners.Accepts(top, ClusterChannels.FencingTokenOf(answer)))
        {
            answer.Dispose();
            _owners.Forget(top.Id);
            throw new OwnerMovedException($"{owner.WorkerId} does not own stream {top.Id} any more");
        }

        return answer;
    }

    private sealed class OwnerMovedException(string message) : Exception(message);
}
