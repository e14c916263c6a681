using System.Text.Json;
using M3uProxy.Edge.Streams;

namespace M3uProxy.Edge.Coordination.Redis;

/// <summary>
/// The stream directory in Redis: one JSON value per stream (<see cref="SharedStream"/>) that
/// expires unless an instance holding the stream renews it (<see cref="RedisStreamKeeper"/>), so a
/// stream nobody holds any more disappears by itself. When Redis is unreachable, writes are left to
/// the keeper (which re-asserts within seconds of Redis coming back) and reads answer "unknown".
/// </summary>
internal sealed partial class RedisStreamDirectory : IStreamDirectory
{
    /// <summary>How long a stream stays without renewal; the keeper renews every <see cref="RedisStreamKeeper.Period"/>.</summary>
    public static readonly TimeSpan Expiry = TimeSpan.FromSeconds(15);

    /// <summary>How long an explicitly deleted stream stays deleted against late renewals.</summary>
    public static readonly TimeSpan RemovedFor = TimeSpan.FromSeconds(60);

    private readonly RedisConnection _redis;
    private readonly RedisOptions _options;
    private readonly ILogger<RedisStreamDirectory> _logger;

    public RedisStreamDirectory(RedisConnection redis, RedisOptions options, ILogger<RedisStreamDirectory> logger)
    {
        _redis = redis;
        _options = options;
        _logger = logger;
    }

    public static string Serialize(SharedStream stream) => JsonSerializer.Serialize(stream, StreamJsonContext.Default.SharedStream);

    public static string SerializeDefinition(StreamDefinition definition) => JsonSerializer.Serialize(definition, StreamJsonContext.Default.StreamDefinition);

    public async ValueTask PublishAsync(SharedStream stream, CancellationToken cancellationToken)
    {
        var id = stream.Definition.Id;
        if (!_redis.IsConnected)
        {
            Log.PublishFailed(_logger, id, "Redis is not connected"); // the keeper publishes it once Redis answers
            return;
        }

        try
        {
            var batch = _redis.Database.CreateTransaction();
            _ = batch.KeyDeleteAsync(RedisKeys.Removed(id));
            _ = batch.StringSetAsync(RedisKeys.Stream(id), Serialize(stream), Expiry);
            _ = batch.SetAddAsync(RedisKeys.StreamIndex, id);
            await batch.ExecuteAsync();
            await _redis.Subscriber.PublishAsync(RedisKeys.StreamNotices, RedisStreamChanges.NoticeOf(_options.WorkerId, id)); // copies elsewhere follow
        }
        catch (Exception exception) when (RedisFailures.IsRedisDown(exception))
        {
            Log.PublishFailed(_logger, id, RedisFailures.Describe(exception)); // the keeper publishes it once Redis answers
        }
    }

    public async ValueTask RemoveAsync(string streamId, CancellationToken cancellationToken)
    {
        try
        {
            var batch = _redis.Database.CreateTransaction();
            _ = batch.KeyDeleteAsync(RedisKeys.Stream(streamId));
            _ = batch.StringSetAsync(RedisKeys.Removed(streamId), "1", RemovedFor);
            _ = batch.SetRemoveAsync(RedisKeys.StreamIndex, streamId);
            await batch.ExecuteAsync();
            await _redis.Subscriber.PublishAsync(RedisKeys.StreamNotices, "removed " + streamId);
        }
        catch (Exception exception) when (RedisFailures.IsRedisDown(exception))
        {
            Log.RemoveFailed(_logger, streamId, RedisFailures.Describe(exception));
        }
    }

    public async ValueTask<SharedStream?> FindAsync(string streamId, CancellationToken cancellationToken)
    {
        if (!_redis.IsConnected)
        {
            return null; // Redis away: answer from this instance at once
        }

        try
        {
            var value = await _redis.Database.StringGetAsync(RedisKeys.Stream(streamId));
            return value.IsNullOrEmpty ? null : Deserialize(streamId, value.ToString());
        }
        catch (Exception exception) when (RedisFailures.IsRedisDown(exception))
        {
            Log.ReadFailed(_logger, streamId, RedisFailures.Describe(exception));
            return null;
        }
    }

    public async ValueTask<IReadOnlyList<SharedStream>> ListAsync(CancellationToken cancellationToken)
    {
        if (!_redis.IsConnected)
        {
            return [];
        }

        try
        {
            var ids = await _redis.Database.SetMembersAsync(RedisKeys.StreamIndex);
            if (ids.Length == 0)
            {
                return [];
            }

            var values = await _redis.Database.StringGetAsync([.. ids.Select(id => RedisKeys.Stream(id.ToString()))]);
            var streams = new List<SharedStream>(values.Length);
            for (var i = 0; i < values.Length; i++)
            {
                if (!values[i].IsNullOrEmpty && Deserialize(ids[i].ToString(), values[i].ToString()) is { } stream)
                {
                    streams.Add(stream);
                }
            }

            return streams;
        }
        catch (Exception exception) when (RedisFailures.IsRedisDown(exception))
        {
            Log.ReadFailed(_logger, "*", RedisFailures.Describe(exception));
            return [];
        }
    }

    private SharedStream? Deserialize(string streamId, string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, StreamJsonContext.Default.SharedStream);
        }
        catch (JsonException exception)
        {
            Log.Unreadable(_logger, streamId, RedisFailures.Describe(exception)); // written by another version: treated as absent
            return null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(820, LogLevel.Warning, "Stream {StreamId}: not shared through Redis yet ({Error}); retried when Redis answers")]
        public static partial void PublishFailed(ILogger logger, string streamId, string error);

        [LoggerMessage(821, LogLevel.Warning, "Stream {StreamId}: removal not shared through Redis ({Error})")]
        public static partial void RemoveFailed(ILogger logger, string streamId, string error);

        [LoggerMessage(822, LogLevel.Warning, "Stream {StreamId}: Redis lookup failed ({Error}); answering from this instance")]
        public static partial void ReadFailed(ILogger logger, string streamId, string error);

        [LoggerMessage(823, LogLevel.Warning, "Stream {StreamId}: the shared entry is unreadable ({Error})")]
        public static partial void Unreadable(ILogger logger, string streamId, string error);
    }
}
