using System.Security.Cryptography;

namespace M3uProxy.Edge.Coordination.Redis;

/// <summary>
/// <c>CLUSTER_SECRET</c>, or one secret shared through Redis: the first instance to ask writes a
/// random one (set-if-absent), every instance reads it. Read again every few seconds and written
/// back if Redis lost it, so that instances agree after a Redis restart without persistence.
/// </summary>
internal sealed class RedisClusterSecret(RedisOptions options, RedisConnection redis, TimeProvider time) : IClusterSecret
{
    private static readonly TimeSpan _rereadAfter = TimeSpan.FromSeconds(5);

    private readonly string _generated = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
    private string? _shared;
    private long _readAt;

    public async ValueTask<string?> GetAsync(CancellationToken cancellationToken)
    {
        if (options.Secret is { } configured)
        {
            return configured;
        }

        var shared = Volatile.Read(ref _shared);
        if (shared is not null && time.GetElapsedTime(Volatile.Read(ref _readAt)) < _rereadAfter || !redis.IsConnected)
        {
            return shared;
        }

        try
        {
            var database = redis.Database;
            await database.StringSetAsync(RedisKeys.ClusterSecret, shared ?? _generated, when: StackExchange.Redis.When.NotExists);
            shared = (await database.StringGetAsync(RedisKeys.ClusterSecret)).ToString();
            Volatile.Write(ref _shared, shared);
            Volatile.Write(ref _readAt, time.GetTimestamp());
        }
        catch (Exception exception) when (RedisFailures.IsRedisDown(exception))
        {
            // Keep the last one read.
        }

        return shared;
    }
}
