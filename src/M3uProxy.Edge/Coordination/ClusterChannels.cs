using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using M3uProxy.Edge.FanOut;
using M3uProxy.Edge.Streams;
using M3uProxy.Edge.Upstream;

namespace M3uProxy.Edge.Coordination;

/// <summary>
/// One upstream per live channel across the cluster: each new channel either takes the channel's
/// lease and reads its own upstream, or relays from the instance that holds it
/// (<see cref="ClusterChannelSource"/>): one relay per channel and instance, whatever the number of
/// viewers here. Also what the owner side of a relay needs: who may call, who owns what, and the
/// fencing token of the leases held here. On a single instance every channel reads its upstream.
/// </summary>
internal sealed partial class ClusterChannels
{
    /// <summary>The route the owner serves relays on.</summary>
    public const string RelayPath = "cluster/relay/";

    /// <summary>The route the owner takes a manual failover on, for a request made at another instance.</summary>
    public const string FailoverPath = "cluster/failover/";

    /// <summary>The routes the owner serves an HLS stream's playlists, segments and transcoder files on.</summary>
    public const string HlsPath = "cluster/hls/";

    public const string SecretHeader = "X-Cluster-Secret";
    public const string WorkerHeader = "X-Cluster-Worker";
    public const string FencingHeader = "X-Cluster-Fencing-Token";

    /// <summary>How long a relay waits for the owner's first answer (the owner may be connecting to its upstream).</summary>
    private static readonly TimeSpan _answerTimeout = TimeSpan.FromSeconds(20);

    /// <summary>How long a command waits for the owner (an answer within 3 s, whatever happens).</summary>
    private static readonly TimeSpan _commandTimeout = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<string, ChannelLease> _held = new(StringComparer.Ordinal);
    private readonly IChannelOwnership _ownership;
    private readonly IClusterSecret _secret;
    private readonly ClusterSelf _self;
    private readonly ControlHttpClient _http;
    private readonly TimeProvider _time;
    private readonly ILogger<ClusterChannels> _logger;

    public ClusterChannels(IChannelOwnership ownership, IClusterSecret secret, ClusterSelf self, ControlHttpClient http, TimeProvider time, ILogger<ClusterChannels> logger)
    {
        _ownership = ownership;
        _secret = secret;
        _self = self;
        _http = http;
        _time = time;
        _logger = logger;
    }

    public bool IsShared => _ownership is not LocalChannelOwnership;

    internal IChannelOwnership Ownership => _ownership;

    internal ClusterSelf Self => _self;

    internal TimeProvider Time => _time;

    internal ILogger Logger => _logger;

    /// <summary>What feeds a new channel: <paramref name="local"/> on a single instance, else the owner-or-relay source around it.</summary>
    public IChannelSource Create(StreamRecord stream, Func<IChannelSource> local)
        => IsShared ? new ClusterChannelSource(stream, local, this) : local();

    /// <summary>The fencing token of this instance's lease on the channel; null when it does not own it.</summary>
    public long? HeldToken(string streamId) => _held.TryGetValue(streamId, out var lease) ? lease.FencingToken : null;

    internal void Hold(ChannelLease lease) => _held[lease.ChannelId] = lease;

    internal void Forget(ChannelLease lease) => _held.TryRemove(new KeyValuePair<string, ChannelLease>(lease.ChannelId, lease));

    /// <summary>True when the request carries the cluster's secret.</summary>
    public async ValueTask<bool> IsMemberAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var given = request.Headers[SecretHeader].ToString();
        return given.Length > 0 && await _secret.GetAsync(cancellationToken) is { } secret
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(secret));
    }

    /// <summary>The instance that owns the channel when it is another one; null when it is this one, nobody, or unknown.</summary>
    public async ValueTask<InstanceInfo?> OwnerElsewhereAsync(string streamId, CancellationToken cancellationToken)
        => await _ownership.FindOwnerAsync(streamId, cancellationToken) is { } owner && owner.WorkerId != _self.WorkerId ? owner : null;

    /// <summary>
    /// Opens the relay of <paramref name="stream"/> from <paramref name="owner"/>. Throws
    /// <see cref="RelayRefusedException"/> when the owner answers that it cannot relay (ask again),
    /// <see cref="UpstreamException"/> when its upstream failed (the owner's answer, passed on).
    /// </summary>
    internal async Task<RelayByteSource> OpenRelayAsync(InstanceInfo owner, StreamRecord stream, CancellationToken cancellationToken)
    {
        var response = await GetFromOwnerAsync(owner, RelayPath + stream.Id, range: null, cancellationToken);
        if (response.StatusCode == HttpStatusCode.OK)
        {
            var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            return new RelayByteSource(response, body, $"relay from {owner.WorkerId} ({owner.AdvertiseUrl})", FencingTokenOf(response));
        }

        using (response)
        {
            var detail = await ReadDetailAsync(response, cancellationToken);
            throw response.StatusCode switch
            {
                HttpStatusCode.GatewayTimeout => new UpstreamException(UpstreamFailure.Timeout, detail),
                HttpStatusCode.ServiceUnavailable => new UpstreamException(UpstreamFailure.ProviderLimit, detail),
                HttpStatusCode.BadGateway => new UpstreamException(UpstreamFailure.Status, detail),
                _ => new RelayRefusedException($"{(int)response.StatusCode} {detail}"),
            };
        }
    }

    /// <summary>The owner's fencing token in its answer; 0 when it did not say.</summary>
    public static long FencingTokenOf(HttpResponseMessage response)
        => response.Headers.TryGetValues(FencingHeader, out var values)
            && long.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;

    /// <summary>Says this instance's fencing token for the channel in its answer (when it holds the lease).</summary>
    public static void WriteFencingToken(HttpResponse response, long? token)
    {
        if (token is { } held)
        {
            response.Headers[FencingHeader] = held.ToString(CultureInfo.InvariantCulture);
        }
    }

    /// <summary>
    /// <c>GET {owner}/{pathAndQuery}</c> with the cluster secret (and <paramref name="range"/>), once
    /// its headers are in. Throws <see cref="RelayRefusedException"/> when the owner cannot be reached
    /// or does not answer within the relay's answer timeout.
    /// </summary>
    public async Task<HttpResponseMessage> GetFromOwnerAsync(InstanceInfo owner, string pathAndQuery, string? range, CancellationToken cancellationToken)
    {
        var secret = await _secret.GetAsync(cancellationToken) ?? throw new RelayRefusedException("the cluster secret is not known yet");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{owner.AdvertiseUrl}/{pathAndQuery}");
        request.Headers.Add(SecretHeader, secret);
        request.Headers.Add(WorkerHeader, _self.WorkerId);
        if (range is not null)
        {
            request.Headers.TryAddWithoutValidation("Range", range);
        }

        using var answer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        answer.CancelAfter(_answerTimeout);
        try
        {
            return await _http.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, answer.Token);
        }
        catch (HttpRequestException exception)
        {
            throw new RelayRefusedException(exception.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RelayRefusedException($"no answer within {_answerTimeout.TotalSeconds:0} s");
        }
    }

    /// <summary>
    /// Sends a command about a channel to the instance that owns it (<c>POST {owner}/{path}</c>) and
    /// returns its answer; null when this instance owns it, nobody does, or the owner cannot be
    /// reached within <see cref="_commandTimeout"/> (then the caller acts here).
    /// </summary>
    public async Task<IResult?> ForwardToOwnerAsync(string streamId, string path, CancellationToken cancellationToken)
    {
        if (!IsShared || await OwnerElsewhereAsync(streamId, cancellationToken) is not { AdvertiseUrl.Length: > 0 } owner
            || await _secret.GetAsync(cancellationToken) is not { } secret)
        {
            return null;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, $"{owner.AdvertiseUrl}/{path}");
        request.Headers.Add(SecretHeader, secret);
        request.Headers.Add(WorkerHeader, _self.WorkerId);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_commandTimeout);
        try
        {
            using var response = await _http.Client.SendAsync(request, timeout.Token);
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            return Results.Content(body, response.Content.Headers.ContentType?.ToString() ?? "application/json", Encoding.UTF8, (int)response.StatusCode);
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException || exception is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Log.OwnerUnreachable(_logger, streamId, owner.WorkerId, exception.Message);
            return null;
        }
    }

    internal static async Task<string> ReadDetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            var detail = System.Text.Json.Nodes.JsonNode.Parse(text)?["detail"]?.GetValue<string>();
            return detail ?? text;
        }
        catch (Exception exception) when (exception is System.Text.Json.JsonException or InvalidOperationException or HttpRequestException or IOException)
        {
            return "the owning instance answered " + (int)response.StatusCode;
        }
    }
}

internal sealed partial class ClusterChannels
{
    private static partial class Log
    {
        [LoggerMessage(845, LogLevel.Warning, "Channel {StreamId}: the owning instance {Owner} did not take the command ({Reason}); acting here")]
        public static partial void OwnerUnreachable(ILogger logger, string streamId, string owner, string reason);
    }
}

/// <summary>The owner could not be reached or cannot relay now (moved, stopping): ask again.</summary>
internal sealed class RelayRefusedException(string message) : Exception(message);
