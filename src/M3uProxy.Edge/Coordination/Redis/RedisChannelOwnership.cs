using System.Collections.Concurrent;
using System.Globalization;

namespace M3uProxy.Edge.Coordination.Redis;

/// <summary>
/// One owner per channel through Redis: <c>m3u-proxy:owner:{id}</c> holds
/// <c>"{token} {worker} {url}"</c>, set only when absent (or left by this same worker), with an
/// expiry the holder renews every second; the token comes from one counter that only grows, so it
/// fences a late owner. Released compare-and-delete. When Redis cannot be reached the channel is
/// owned here provisionally (serve locally) and claimed for real once Redis answers — unless
/// another instance holds it by then, which makes this lease lost: never a second owner.
/// A release is announced (<c>released {id}</c> on the notice channel), so an instance waiting
/// for the lease takes it at once: a graceful stop hands its channels over without waiting.
/// </summary>
internal sealed partial class RedisChannelOwnership : IChannelOwnership, IHostedService
{
    public const string ReleasedNotice = "released ";

    /// <summary>How long a lease lasts without renewal: a killed owner's channels are free after this.</summary>
    public static readonly TimeSpan Expiry = TimeSpan.FromSeconds(3);

    /// <summary>How often a held lease is renewed.</summary>
    public static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(1);

    // KEYS: owner, fence counter; ARGV: worker, url, expiry ms. The new token, or -1 when another worker holds it.
    private const string AcquireScript = """
        local held = redis.call('get', KEYS[1])
        if held and string.match(held, '^%d+ (%S+)') ~= ARGV[1] then return -1 end
        local token = redis.call('incr', KEYS[2])
        redis.call('set', KEYS[1], token .. ' ' .. ARGV[1] .. ' ' .. ARGV[2], 'PX', ARGV[3])
        return token
        """;

    // KEYS: owner, fence counter; ARGV: our value, expiry ms, our token. 1 kept (re-asserted when Redis lost it), 0 lost.
    private const string RenewScript = """
        local held = redis.call('get', KEYS[1])
        if held == ARGV[1] then redis.call('pexpire', KEYS[1], ARGV[2]) return 1 end
        if held then return 0 end
        redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2])
        if tonumber(redis.call('get', KEYS[2]) or '0') < tonumber(ARGV[3]) then redis.call('set', KEYS[2], ARGV[3]) end
        return 1
        """;

    // KEYS: owner; ARGV: our value.
    private const string ReleaseScript = """
        if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
        return 0
        """;

    private readonly ConcurrentDictionary<string, TaskCompletionSource> _released = new(StringComparer.Ordinal);
    private readonly RedisConnection _redis;
    private readonly ClusterSelf _self;
    private readonly TimeProvider _time;
    private readonly ILogger<RedisChannelOwnership> _logger;

    public RedisChannelOwnership(RedisConnection redis, ClusterSelf self, TimeProvider time, ILogger<RedisChannelOwnership> logger)
    {
        _redis = redis;
        _self = self;
        _time = time;
        _logger = logger;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            // The client re-subscribes by itself after a reconnect.
            await _redis.Subscriber.SubscribeAsync(RedisKeys.StreamNotices, (_, message) => OnNotice(message.ToString()));
        }
        catch (Exception exception) when (RedisFailures.IsRedisDown(exception))
        {
            Log.NotSubscribed(_logger, RedisFailures.Describe(exception)); // waiting instances retry every 250 ms meanwhile
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task Released(string channelId)
        => _released.GetOrAdd(channelId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    private void OnNotice(string notice)
    {
        if (notice.StartsWith(ReleasedNotice, StringComparison.Ordinal) && _released.TryRemove(notice[ReleasedNotice.Length..], out var waiting))
        {
            waiting.TrySetResult();
        }
    }

    public async ValueTask<ChannelLease?> TryAcquireAsync(string channelId, CancellationToken cancellationToken)
    {
        if (!_redis.IsConnected)
        {
            Log.Provisional(_logger, channelId);
            return new RedisLease(this, channelId, token: 0, value: null);
        }

        try
        {
            var token = await TryClaimAsync(channelId);
            if (token is not { } granted)
            {
                return null;
            }

            _released.TryRemove(channelId, out _); // nobody waits for it any more
            return new RedisLease(this, channelId, granted, ValueOf(granted));
        }
        catch (Exception exception) when (RedisFailures.IsRedisDown(exception))
        {
            Log.Provisional(_logger, channelId);
            return new RedisLease(this, channelId, token: 0, value: null);
        }
    }

    public async ValueTask<InstanceInfo?> FindOwnerAsync(string channelId, CancellationToken cancellationToken)
    {
        if (!_redis.IsConnected)
        {
            return null; // unknown: at once, rather than after the call timeout
        }

        try
        {
            var value = await _redis.Database.StringGetAsync(RedisKeys.Owner(channelId));
            return value.IsNullOrEmpty ? null : Parse(value.ToString()).Owner;
        }
        catch (Exception exception) when (RedisFailures.IsRedisDown(exception))
        {
            return null;
        }
    }

    /// <summary><c>"{token} {worker} {url}"</c> (the url may be empty while unknown).</summary>
    public static (long Token, InstanceInfo Owner) Parse(string value)
    {
        var parts = value.Split(' ', 3);
        var token = long.Parse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture);
        var url = parts.Length > 2 && parts[2].Length > 0 ? parts[2] : null;
        return (token, new InstanceInfo(parts.Length > 1 ? parts[1] : "", url));
    }

    private string ValueOf(long token) => $"{token.ToString(CultureInfo.InvariantCulture)} {_self.WorkerId} {_self.AdvertiseUrl}";

    private async Task<long?> TryClaimAsync(string channelId)
    {
        var token = (long)await _redis.Database.ScriptEvaluateAsync(
            AcquireScript,
            [RedisKeys.Owner(channelId), RedisKeys.Fence],
            [_self.WorkerId, _self.AdvertiseUrl ?? "", (long)Expiry.TotalMilliseconds]);
        return token < 0 ? null : token;
    }

    private sealed class RedisLease : ChannelLease
    {
        private readonly RedisChannelOwnership _owner;
        private readonly CancellationTokenSource _lost = new();
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _renewal;
        private string? _value;

        public RedisLease(RedisChannelOwnership owner, string channelId, long token, string? value)
            : base(channelId, token)
        {
            _owner = owner;
            _value = value;
            _renewal = Task.Run(RenewAsync);
        }

        public override CancellationToken Lost => _lost.Token;

        private async Task RenewAsync()
        {
            using var timer = new PeriodicTimer(RenewEvery, _owner._time);
            try
            {
                while (await timer.WaitForNextTickAsync(_stop.Token))
                {
                    try
                    {
                        if (!await KeepAsync())
                        {
                            Log.LeaseLost(_owner._logger, ChannelId);
                            await _lost.CancelAsync();
                            return;
                        }
                    }
                    catch (Exception exception) when (RedisFailures.IsRedisDown(exception))
                    {
                        // Nobody can take it while Redis is away; re-asserted when it answers.
                    }
                    catch (Exception exception) when (exception is not OperationCanceledException)
                    {
                        // Never let the renewal die quietly: a lease nobody renews is taken by another instance.
                        Log.RenewalFailed(_owner._logger, ChannelId, exception.Message);
                    }
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                // Released.
            }
        }

        private async Task<bool> KeepAsync()
        {
            if (_value is not { } value)
            {
                // Taken while Redis was away: claim it for real now, or give way to the instance that holds it.
                if (await _owner.TryClaimAsync(ChannelId) is not { } token)
                {
                    return false;
                }

                FencingToken = token;
                _value = _owner.ValueOf(token);
                return true;
            }

            var kept = (long)await _owner._redis.Database.ScriptEvaluateAsync(
                RenewScript,
                [RedisKeys.Owner(ChannelId), RedisKeys.Fence],
                [value, (long)Expiry.TotalMilliseconds, FencingToken]);
            return kept == 1;
        }

        public override async ValueTask DisposeAsync()
        {
            if (_stop.IsCancellationRequested)
            {
                return;
            }

            await _stop.CancelAsync();
            await _renewal;
            if (_value is { } value && !_lost.IsCancellationRequested)
            {
                try
                {
                    if ((long)await _owner._redis.Database.ScriptEvaluateAsync(ReleaseScript, [RedisKeys.Owner(ChannelId)], [value]) == 1)
                    {
                        await _owner._redis.Subscriber.PublishAsync(RedisKeys.StreamNotices, ReleasedNotice + ChannelId); // waiting instances take it now
                    }
                }
                catch (Exception exception) when (RedisFailures.IsRedisDown(exception))
                {
                    // It expires by itself.
                }
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(840, LogLevel.Warning, "Channel {StreamId}: Redis unreachable, owned here until it answers")]
        public static partial void Provisional(ILogger logger, string streamId);

        [LoggerMessage(841, LogLevel.Warning, "Channel {StreamId}: ownership lost to another instance; closing this upstream")]
        public static partial void LeaseLost(ILogger logger, string streamId);

        [LoggerMessage(848, LogLevel.Debug, "Lease releases: not subscribed yet ({Error})")]
        public static partial void NotSubscribed(ILogger logger, string error);

        [LoggerMessage(847, LogLevel.Error, "Channel {StreamId}: lease renewal failed ({Error}); trying again")]
        public static partial void RenewalFailed(ILogger logger, string streamId, string error);
    }
}
