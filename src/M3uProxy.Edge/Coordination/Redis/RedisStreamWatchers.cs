using System.Collections.Concurrent;
using M3uProxy.Edge.Events;
using M3uProxy.Edge.Lifecycle;

namespace M3uProxy.Edge.Coordination.Redis;

/// <summary>
/// Which instances have viewers of a stream: <c>m3u-proxy:watchers:{id}</c>, one field per
/// instance holding when it expires (Redis's clock), set when a viewer connects here and renewed
/// every <see cref="Period"/> while this instance has viewers of it. When this instance's last
/// viewer leaves, one script removes its field and counts the others still alive, atomically, so
/// of several instances whose viewers leave at once exactly the last announces
/// <c>stream_stopped</c>. Redis away: every instance announces its own (as on one instance).
/// </summary>
internal sealed class RedisStreamWatchers(RedisConnection redis, RedisOptions options, StreamLifecycle lifecycle, EventBus events, TimeProvider time) : BackgroundService, IStreamAnnouncements
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan _expiry = TimeSpan.FromSeconds(10);

    // The reasons that end this instance's part of a stream, not the stream itself.
    private static readonly HashSet<string> _localEnds = new(StringComparer.Ordinal) { "last_client_disconnected", "inactive_timeout", "server_shutdown" };

    // KEYS: watchers. ARGV: worker, expiry ms.
    private const string WatchScript = RedisConnectionSlots.Now + """
        redis.call('hset', KEYS[1], ARGV[1], now + tonumber(ARGV[2]))
        redis.call('pexpire', KEYS[1], tonumber(ARGV[2]) * 2)
        return 1
        """;

    // KEYS: watchers. ARGV: worker. How many other instances still have viewers.
    private const string LeaveScript = RedisConnectionSlots.Now + """
        redis.call('hdel', KEYS[1], ARGV[1])
        local fields = redis.call('hgetall', KEYS[1])
        local alive = 0
        for i = 1, #fields, 2 do
          if tonumber(fields[i + 1]) < now then redis.call('hdel', KEYS[1], fields[i]) else alive = alive + 1 end
        end
        return alive
        """;

    private readonly ConcurrentDictionary<Guid, Task<bool>> _verdicts = new();

    public ValueTask<bool> ShouldAnnounceAsync(ProxyEvent proxyEvent, CancellationToken cancellationToken)
        => IsLocalEnd(proxyEvent) ? new ValueTask<bool>(Verdict(proxyEvent)) : ValueTask.FromResult(true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = events.Subscribe("cluster watchers", 10_000, e => e.Type == EventType.ClientConnected || IsLocalEnd(e));
        var renewing = RenewAsync(stoppingToken);
        try
        {
            await foreach (var proxyEvent in subscription.Reader.ReadAllAsync(stoppingToken))
            {
                if (proxyEvent.Type == EventType.ClientConnected)
                {
                    await WatchAsync(proxyEvent.StreamId);
                }
                else
                {
                    await Verdict(proxyEvent);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }

        await renewing;
    }

    private static bool IsLocalEnd(ProxyEvent proxyEvent)
        => proxyEvent.Type == EventType.StreamStopped && proxyEvent.Data["reason"]?.GetValue<string>() is { } reason && _localEnds.Contains(reason);

    /// <summary>Once per event, whoever asks first (the webhooks, or this service); forgotten after a minute.</summary>
    private Task<bool> Verdict(ProxyEvent proxyEvent)
    {
        if (_verdicts.TryGetValue(proxyEvent.EventId, out var known))
        {
            return known;
        }

        var verdict = _verdicts.GetOrAdd(proxyEvent.EventId, _ => LeaveAsync(proxyEvent.StreamId));
        _ = ForgetLaterAsync(proxyEvent.EventId);
        return verdict;
    }

    private async Task ForgetLaterAsync(Guid eventId)
    {
        await Task.Delay(TimeSpan.FromMinutes(1), time);
        _verdicts.TryRemove(eventId, out _);
    }

    private async Task<bool> LeaveAsync(string streamId)
    {
        if (!redis.IsConnected)
        {
            return true;
        }

        try
        {
            var others = (long)await redis.Database.ScriptEvaluateAsync(LeaveScript, [RedisKeys.Watchers(streamId)], [options.WorkerId]);
            return others == 0;
        }
        catch (Exception exception) when (RedisFailures.IsRedisDown(exception))
        {
            return true;
        }
    }

    private async Task WatchAsync(string streamId)
    {
        if (!redis.IsConnected)
        {
            return;
        }

        try
        {
            await redis.Database.ScriptEvaluateAsync(WatchScript, [RedisKeys.Watchers(streamId)], [options.WorkerId, (long)_expiry.TotalMilliseconds]);
        }
        catch (Exception exception) when (RedisFailures.IsRedisDown(exception))
        {
            // Renewed once Redis answers.
        }
    }

    private async Task RenewAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                foreach (var stream in lifecycle.StreamSnapshot().Where(s => s.ClientCount > 0 && !s.Definition.IsVariant))
                {
                    await WatchAsync(stream.Id);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}
