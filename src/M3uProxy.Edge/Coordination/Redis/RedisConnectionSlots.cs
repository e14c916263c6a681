using System.Globalization;
using StackExchange.Redis;

namespace M3uProxy.Edge.Coordination.Redis;

/// <summary>
/// Provider connection slots shared by the cluster: per provider, a sorted set of slot ids scored
/// by when each expires (Redis's own clock) and a hash of who holds each. A holder renews its slot
/// every <see cref="RenewEvery"/>; a slot whose instance died expires after <see cref="Expiry"/>
/// and is swept by the next acquisition — leases, never counters, so nothing leaks. A slot that
/// Redis lost (restarted empty) is written back by its holder: the connection is open, so it
/// counts. While Redis is unreachable the limit holds per instance (and those slots are written to
/// Redis once it answers).
/// </summary>
internal sealed class RedisConnectionSlots : IConnectionSlots
{
    public static readonly TimeSpan Expiry = TimeSpan.FromSeconds(8);

    public static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(2);

    // Redis's own clock in ms, so that instances with skewed clocks agree on what has expired.
    internal const string Now = """
        local t = redis.call('time')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

        """;

    // KEYS: slots, holders. ARGV: slot id, limit, expiry ms, holder text. 1 taken, 0 full.
    private const string AcquireScript = Now + """
        local gone = redis.call('zrangebyscore', KEYS[1], '-inf', now)
        for _, id in ipairs(gone) do redis.call('hdel', KEYS[2], id) end
        redis.call('zremrangebyscore', KEYS[1], '-inf', now)
        if redis.call('zcard', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
        redis.call('zadd', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
        redis.call('hset', KEYS[2], ARGV[1], ARGV[4])
        redis.call('pexpire', KEYS[1], tonumber(ARGV[3]) * 2)
        redis.call('pexpire', KEYS[2], tonumber(ARGV[3]) * 2)
        return 1
        """;

    // KEYS: slots, holders. ARGV: slot id, expiry ms, holder text. Renews the slot, writing it back if Redis lost it.
    private const string RenewScript = Now + """
        redis.call('zadd', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
        redis.call('hset', KEYS[2], ARGV[1], ARGV[3])
        redis.call('pexpire', KEYS[1], tonumber(ARGV[2]) * 2)
        redis.call('pexpire', KEYS[2], tonumber(ARGV[2]) * 2)
        return 1
        """;

    // KEYS: slots, holders. The live holders' texts.
    private const string HoldersScript = Now + """
        local ids = redis.call('zrangebyscore', KEYS[1], now, '+inf')
        if #ids == 0 then return {} end
        return redis.call('hmget', KEYS[2], unpack(ids))
        """;

    private readonly RedisConnection _redis;
    private readonly LocalConnectionSlots _whileRedisIsDown = new();
    private readonly TimeProvider _time;

    public RedisConnectionSlots(RedisConnection redis, TimeProvider time)
    {
        _redis = redis;
        _time = time;
    }

    public async ValueTask<ConnectionSlot?> TryAcquireAsync(string provider, int limit, SlotHolder holder, CancellationToken cancellationToken)
    {
        if (!_redis.IsConnected)
        {
            return await WhileRedisIsDownAsync(provider, limit, holder, cancellationToken);
        }

        try
        {
            var taken = (long)await _redis.Database.ScriptEvaluateAsync(
                AcquireScript,
                [RedisKeys.Slots(provider), RedisKeys.SlotHolders(provider)],
                [holder.SlotId, limit, (long)Expiry.TotalMilliseconds, Format(holder)]);
            return taken == 1 ? new RedisSlot(this, provider, holder, local: null) : null;
        }
        catch (Exception exception) when (RedisFailures.IsRedisDown(exception))
        {
            return await WhileRedisIsDownAsync(provider, limit, holder, cancellationToken);
        }
    }

    /// <summary>The limit per instance; the slot is written to Redis by its renewal once Redis answers, so the cluster counts it then.</summary>
    private async ValueTask<ConnectionSlot?> WhileRedisIsDownAsync(string provider, int limit, SlotHolder holder, CancellationToken cancellationToken)
        => await _whileRedisIsDown.TryAcquireAsync(provider, limit, holder, cancellationToken) is { } local ? new RedisSlot(this, provider, holder, local) : null;

    public async ValueTask<IReadOnlyList<SlotHolder>> HoldersAsync(string provider, CancellationToken cancellationToken)
    {
        try
        {
            var texts = (RedisResult[]?)await _redis.Database.ScriptEvaluateAsync(HoldersScript, [RedisKeys.Slots(provider), RedisKeys.SlotHolders(provider)]) ?? [];
            return [.. texts.Select(t => t.IsNull ? null : Parse(t.ToString())).OfType<SlotHolder>().OrderBy(h => h.Since)];
        }
        catch (Exception exception) when (RedisFailures.IsRedisDown(exception))
        {
            return await _whileRedisIsDown.HoldersAsync(provider, cancellationToken);
        }
    }

    /// <summary><c>"{slot} {stream} {worker} {priority} {since ms}"</c>.</summary>
    public static string Format(SlotHolder holder) => string.Join(' ',
        holder.SlotId, holder.StreamId, holder.WorkerId, holder.Priority.ToString(CultureInfo.InvariantCulture), holder.Since.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));

    public static SlotHolder? Parse(string text)
    {
        var parts = text.Split(' ');
        return parts.Length == 5 && int.TryParse(parts[3], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var priority)
            && long.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var since)
            ? new SlotHolder(parts[0], parts[1], parts[2], priority, DateTimeOffset.FromUnixTimeMilliseconds(since))
            : null;
    }

    private sealed class RedisSlot : ConnectionSlot
    {
        private readonly RedisConnectionSlots _slots;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _renewal;
        private readonly ConnectionSlot? _local;

        public RedisSlot(RedisConnectionSlots slots, string provider, SlotHolder holder, ConnectionSlot? local)
            : base(provider, holder)
        {
            _slots = slots;
            _local = local;
            _renewal = Task.Run(RenewAsync);
        }

        private async Task RenewAsync()
        {
            using var timer = new PeriodicTimer(RenewEvery, _slots._time);
            try
            {
                while (await timer.WaitForNextTickAsync(_stop.Token))
                {
                    try
                    {
                        await _slots._redis.Database.ScriptEvaluateAsync(
                            RenewScript,
                            [RedisKeys.Slots(Provider), RedisKeys.SlotHolders(Provider)],
                            [Holder.SlotId, (long)Expiry.TotalMilliseconds, Format(Holder)]);
                    }
                    catch (Exception exception) when (RedisFailures.IsRedisDown(exception))
                    {
                        // Written back once Redis answers.
                    }
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                // Given back.
            }
        }

        public override async ValueTask DisposeAsync()
        {
            if (_stop.IsCancellationRequested)
            {
                return;
            }

            await _stop.CancelAsync();
            await _renewal;
            if (_local is not null)
            {
                await _local.DisposeAsync();
            }

            try
            {
                var database = _slots._redis.Database;
                await Task.WhenAll(
                    database.SortedSetRemoveAsync(RedisKeys.Slots(Provider), Holder.SlotId),
                    database.HashDeleteAsync(RedisKeys.SlotHolders(Provider), Holder.SlotId));
            }
            catch (Exception exception) when (RedisFailures.IsRedisDown(exception))
            {
                // It expires by itself.
            }
        }
    }
}
