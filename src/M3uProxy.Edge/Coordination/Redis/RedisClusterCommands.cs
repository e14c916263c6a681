namespace M3uProxy.Edge.Coordination.Redis;

/// <summary>Commands as notices on the stream-notice channel (every instance listens: <see cref="RedisStreamKeeper"/>).</summary>
internal sealed class RedisClusterCommands(RedisConnection redis) : IClusterCommands
{
    public const string Disconnect = "disconnect ";

    public async ValueTask DisconnectClientAsync(string clientId, CancellationToken cancellationToken)
    {
        try
        {
            await redis.Subscriber.PublishAsync(RedisKeys.StreamNotices, Disconnect + clientId);
        }
        catch (Exception exception) when (RedisFailures.IsRedisDown(exception))
        {
            // The client's own instance reaps it when it goes idle.
        }
    }
}
