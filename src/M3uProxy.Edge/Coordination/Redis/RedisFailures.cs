using StackExchange.Redis;

namespace M3uProxy.Edge.Coordination.Redis;

/// <summary>What a Redis call throws when Redis is unreachable or slow: handled as "Redis is down", never as a crash.</summary>
internal static class RedisFailures
{
    public static bool IsRedisDown(Exception exception) => exception is RedisException or TimeoutException or ObjectDisposedException;

    /// <summary>The first sentence of the client's message (the rest is a page of diagnostics).</summary>
    public static string Describe(Exception exception)
    {
        var message = exception.Message;
        var end = message.IndexOf(" - ", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message;
    }
}
