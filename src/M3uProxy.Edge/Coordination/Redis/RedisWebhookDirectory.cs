namespace M3uProxy.Edge.Coordination.Redis;

/// <summary>
/// Webhook registrations in one Redis hash (URL → JSON); a removal leaves the URL in a
/// tombstone set for a minute so that no instance re-asserts it, and every change is announced on
/// the stream-notice channel so the other instances follow at once.
/// </summary>
internal sealed class RedisWebhookDirectory(RedisConnection redis) : IWebhookDirectory
{
    public const string ChangedNotice = "webhooks";

    private static readonly TimeSpan _removedFor = TimeSpan.FromSeconds(60);

    public bool IsShared => true;

    public event Action? Changed;

    /// <summary>A notice from another instance (<see cref="RedisStreamKeeper"/> listens).</summary>
    public void OnNotice() => Changed?.Invoke();

    public async ValueTask PutAsync(string url, string json, bool onlyIfAbsent, CancellationToken cancellationToken)
    {
        try
        {
            var database = redis.Database;
            if (onlyIfAbsent)
            {
                await database.HashSetAsync(RedisKeys.Webhooks, url, json, StackExchange.Redis.When.NotExists);
                return;
            }

            await Task.WhenAll(database.SortedSetRemoveAsync(RedisKeys.WebhooksRemoved, url), database.HashSetAsync(RedisKeys.Webhooks, url, json));
            await redis.Subscriber.PublishAsync(RedisKeys.StreamNotices, ChangedNotice);
        }
        catch (Exception exception) when (RedisFailures.IsRedisDown(exception))
        {
            // Re-asserted by the next sync once Redis answers.
        }
    }

    public async ValueTask RemoveAsync(string url, CancellationToken cancellationToken)
    {
        try
        {
            var database = redis.Database;
            var until = DateTimeOffset.UtcNow.Add(_removedFor).ToUnixTimeMilliseconds();
            await Task.WhenAll(database.HashDeleteAsync(RedisKeys.Webhooks, url), database.SortedSetAddAsync(RedisKeys.WebhooksRemoved, url, until));
            await redis.Subscriber.PublishAsync(RedisKeys.StreamNotices, ChangedNotice);
        }
        catch (Exception exception) when (RedisFailures.IsRedisDown(exception))
        {
            // Removed here only.
        }
    }

    public async ValueTask<SharedWebhooks?> ListAsync(CancellationToken cancellationToken)
    {
        if (!redis.IsConnected)
        {
            return null;
        }

        try
        {
            var database = redis.Database;
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            await database.SortedSetRemoveRangeByScoreAsync(RedisKeys.WebhooksRemoved, double.NegativeInfinity, now);
            var entries = await database.HashGetAllAsync(RedisKeys.Webhooks);
            var removed = await database.SortedSetRangeByRankAsync(RedisKeys.WebhooksRemoved);
            return new SharedWebhooks(
                entries.ToDictionary(e => e.Name.ToString(), e => e.Value.ToString(), StringComparer.Ordinal),
                removed.Select(r => r.ToString()).ToHashSet(StringComparer.Ordinal));
        }
        catch (Exception exception) when (RedisFailures.IsRedisDown(exception))
        {
            return null;
        }
    }
}
