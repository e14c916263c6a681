using StackExchange.Redis;

namespace M3uProxy.Edge.Coordination.Redis;

/// <summary>What a Redis call throws when Redis is unreachable or slow: handled as "Redis is down", never as a crash.</summary>
internal static class RedisFailures
{
    public static bool IsRedisDown(Exception exception) => exception is RedisException or TimeoutException or ObjectDisposedException;
}
