using M3uProxy.Edge.Events;
using M3uProxy.Edge.Lifecycle;

namespace M3uProxy.Edge.Coordination.Redis;

/// <summary>
/// Keeps this instance's part of the cluster true in Redis: every <see cref="Period"/> it renews its
/// presence and every stream it holds, and re-creates what is missing (Redis restarted empty) —
/// unless the stream was deleted elsewhere meanwhile, which it then ends here too. It also ends
/// local copies of streams deleted on another instance as soon as the notice arrives.
/// </summary>
internal sealed partial class RedisStreamKeeper : BackgroundService, IClusterStatus
{
    /// <summary>How often presence and streams are renewed.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(2);

    /// <summary>How long an instance counts as present without renewing.</summary>
    public static readonly TimeSpan PresenceExpiry = TimeSpan.FromSeconds(10);

    // Re-creates a stream's entry unless it was deleted meanwhile. KEYS: entry, removed marker, index; ARGV: json, expiry ms, id.
    private const string ReassertScript = """
        if redis.call('exists', KEYS[2]) == 1 then return -1 end
        redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2])
        redis.call('sadd', KEYS[3], ARGV[3])
        return 0
        """;

    private readonly RedisConnection _redis;
    private readonly RedisOptions _options;
    private readonly ClusterSelf _self;
    private readonly RedisWebhookDirectory _webhooks;
    private readonly StreamLifecycle _lifecycle;
    private readonly TimeProvider _time;
    private readonly ILogger<RedisStreamKeeper> _logger;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private int _instances;

    public RedisStreamKeeper(RedisConnection redis, RedisOptions options, ClusterSelf self, RedisWebhookDirectory webhooks, StreamLifecycle lifecycle, TimeProvider time, ILogger<RedisStreamKeeper> logger)
    {
        _redis = redis;
        _options = options;
        _self = self;
        _webhooks = webhooks;
        _lifecycle = lifecycle;
        _time = time;
        _logger = logger;
    }

    public ClusterState Current => new(true, _redis.IsConnected, _options.WorkerId, _redis.IsConnected ? Volatile.Read(ref _instances) : null);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _redis.Restored += WakeUp;
        await SubscribeAsync();
        using var timer = new PeriodicTimer(Period, _time);
        Task? tick = null, woken = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RenewAsync();
            }
            catch (Exception exception) when (RedisFailures.IsRedisDown(exception))
            {
                Log.RenewFailed(_logger, RedisFailures.Describe(exception));
            }

            // The next period, or at once when the link to Redis is back; a wait still pending is
            // kept for the next round (a timer takes one waiter at a time).
            tick ??= timer.WaitForNextTickAsync(stoppingToken).AsTask();
            woken ??= _wake.WaitAsync(stoppingToken);
            await Task.WhenAny(tick, woken);
            tick = tick.IsCompleted ? null : tick;
            woken = woken.IsCompleted ? null : woken;
        }

        _redis.Restored -= WakeUp;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            // Graceful shutdown: leave the cluster at once instead of after the presence expiry.
            var database = _redis.Database;
            await Task.WhenAll(
                database.KeyDeleteAsync(RedisKeys.Instance(_options.WorkerId)),
                database.SortedSetRemoveAsync(RedisKeys.Instances, _options.WorkerId));
        }
        catch (Exception exception) when (RedisFailures.IsRedisDown(exception))
        {
            Log.RenewFailed(_logger, RedisFailures.Describe(exception));
        }
    }

    private void WakeUp()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken.
        }
    }

    private async Task SubscribeAsync()
    {
        try
        {
            // The client re-subscribes by itself after a reconnect.
            await _redis.Subscriber.SubscribeAsync(RedisKeys.StreamNotices, (_, message) => OnNotice(message.ToString()));
        }
        catch (Exception exception) when (RedisFailures.IsRedisDown(exception))
        {
            Log.RenewFailed(_logger, RedisFailures.Describe(exception));
            WakeUp();
        }
    }

    private void OnNotice(string notice)
    {
        const string Removed = "removed ";
        if (notice.StartsWith(Removed, StringComparison.Ordinal))
        {
            EndLocalCopy(notice[Removed.Length..]);
        }
        else if (notice == RedisWebhookDirectory.ChangedNotice)
        {
            _webhooks.OnNotice();
        }
        else if (notice.StartsWith(RedisClusterCommands.Disconnect, StringComparison.Ordinal)
            && _lifecycle.TryGetClient(notice[RedisClusterCommands.Disconnect.Length..], out var client))
        {
            _lifecycle.DisconnectClient(client);
        }
    }

    /// <summary>A stream deleted on another instance: end it here, without a second <c>stream_stopped</c> (that instance announced it).</summary>
    private void EndLocalCopy(string streamId)
    {
        if (_lifecycle.Streams.TryGet(streamId, out var stream) && !stream.Definition.IsVariant)
        {
            stream.TryClaimStopped();
            if (_lifecycle.RemoveStream(stream, new StopReason("manual_deletion")))
            {
                Log.EndedLocalCopy(_logger, streamId);
            }
        }
    }

    private async Task RenewAsync()
    {
        var database = _redis.Database;
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var presence = Task.WhenAll(
            database.StringSetAsync(RedisKeys.Instance(_options.WorkerId), _self.AdvertiseUrl ?? "", PresenceExpiry),
            database.SortedSetAddAsync(RedisKeys.Instances, _options.WorkerId, now + (long)PresenceExpiry.TotalMilliseconds),
            database.SortedSetRemoveRangeByScoreAsync(RedisKeys.Instances, double.NegativeInfinity, now));
        var instances = database.SortedSetLengthAsync(RedisKeys.Instances);

        var streams = _lifecycle.Streams.Snapshot().Where(s => !s.Definition.IsVariant).ToList();
        var renewed = streams.Select(s => database.KeyExpireAsync(RedisKeys.Stream(s.Id), RedisStreamDirectory.Expiry)).ToList();
        await presence;
        Volatile.Write(ref _instances, (int)await instances);
        for (var i = 0; i < streams.Count; i++)
        {
            if (await renewed[i])
            {
                continue;
            }

            var stream = streams[i];
            var result = (int)await database.ScriptEvaluateAsync(
                ReassertScript,
                [RedisKeys.Stream(stream.Id), RedisKeys.Removed(stream.Id), RedisKeys.StreamIndex],
                [RedisStreamDirectory.Serialize(stream.Shared), (long)RedisStreamDirectory.Expiry.TotalMilliseconds, stream.Id]);
            if (result < 0)
            {
                EndLocalCopy(stream.Id); // deleted elsewhere while its notice was lost
            }
            else
            {
                Log.Reasserted(_logger, stream.Id);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(810, LogLevel.Debug, "Redis renewal failed ({Error}); retrying (the connection logs the outage once)")]
        public static partial void RenewFailed(ILogger logger, string error);

        [LoggerMessage(811, LogLevel.Information, "Stream {StreamId}: re-asserted in Redis")]
        public static partial void Reasserted(ILogger logger, string streamId);

        [LoggerMessage(812, LogLevel.Information, "Stream {StreamId}: deleted on another instance, ended here")]
        public static partial void EndedLocalCopy(ILogger logger, string streamId);
    }
}
