using M3uProxy.Edge.Events;
using M3uProxy.Edge.Lifecycle;
using M3uProxy.Edge.Streams;
using StackExchange.Redis;

namespace M3uProxy.Edge.Coordination.Redis;

/// <summary>
/// Changes of a stream reach every instance at once: a failover here (the owner's state machine or
/// a manual one) rewrites the stream's shared entry (only while it exists: a delete elsewhere wins),
/// and every write of an entry is followed by a
/// <c>changed {worker} {id}</c> notice (<see cref="RedisStreamDirectory.PublishAsync"/>); an
/// instance holding a copy reads the entry again and takes its failover position (and its
/// definition, when it changed). Without this a copy would show its first position until it is
/// reaped, and an instance taking over a channel would start from the primary again.
/// </summary>
internal sealed partial class RedisStreamChanges(
    RedisConnection redis, RedisOptions options, IStreamDirectory directory, StreamLifecycle lifecycle, EventBus events, ILogger<RedisStreamChanges> logger) : BackgroundService
{
    public const string ChangedNotice = "changed ";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await SubscribeAsync();
        using var subscription = events.Subscribe("cluster changes", 10_000, e => e.Type == EventType.FailoverTriggered);
        try
        {
            await foreach (var proxyEvent in subscription.Reader.ReadAllAsync(stoppingToken))
            {
                if (lifecycle.Streams.TryGet(proxyEvent.StreamId, out var stream) && !stream.Definition.IsVariant)
                {
                    await RewriteAsync(stream);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>Rewrites the stream's entry if it still exists (a stream deleted elsewhere meanwhile stays deleted), then tells the others.</summary>
    private async Task RewriteAsync(StreamRecord stream)
    {
        try
        {
            if (await redis.Database.StringSetAsync(RedisKeys.Stream(stream.Id), RedisStreamDirectory.Serialize(stream.Shared), RedisStreamDirectory.Expiry, When.Exists))
            {
                await redis.Subscriber.PublishAsync(RedisKeys.StreamNotices, NoticeOf(options.WorkerId, stream.Id));
            }
        }
        catch (Exception exception) when (RedisFailures.IsRedisDown(exception))
        {
            Log.NotShared(logger, stream.Id, RedisFailures.Describe(exception)); // the others see it when they next read the entry
        }
    }

    /// <summary>The notice's text for a stream written by this instance.</summary>
    public static string NoticeOf(string workerId, string streamId) => ChangedNotice + workerId + " " + streamId;

    private async Task SubscribeAsync()
    {
        try
        {
            // The client re-subscribes by itself after a reconnect.
            await redis.Subscriber.SubscribeAsync(RedisKeys.StreamNotices, (_, message) => OnNotice(message.ToString()));
        }
        catch (Exception exception) when (RedisFailures.IsRedisDown(exception))
        {
            Log.NotSubscribed(logger, RedisFailures.Describe(exception));
        }
    }

    private void OnNotice(string notice) => _ = OnNoticeAsync(notice); // on the client's thread: read the entry elsewhere

    private async Task OnNoticeAsync(string notice)
    {
        if (!notice.StartsWith(ChangedNotice, StringComparison.Ordinal)
            || notice[ChangedNotice.Length..].Split(' ', 2) is not [var worker, var streamId]
            || worker == options.WorkerId
            || !lifecycle.Streams.TryGet(streamId, out var stream))
        {
            return; // not a change, written here, or a stream this instance does not hold
        }

        try
        {
            if (await directory.FindAsync(streamId, CancellationToken.None) is { } shared)
            {
                Adopt(stream, shared);
            }
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            Log.AdoptFailed(logger, streamId, exception.Message); // the next change or read brings it
        }
    }

    /// <summary>Takes what another instance published into this instance's copy.</summary>
    private void Adopt(StreamRecord stream, SharedStream shared)
    {
        var replaced = false;
        if (RedisStreamDirectory.SerializeDefinition(shared.Definition) != RedisStreamDirectory.SerializeDefinition(stream.Definition))
        {
            stream = lifecycle.Upsert(shared.Definition, out var outcome); // as a POST here: kept while viewers watch it
            replaced = outcome != StreamUpsertOutcome.Reused;
        }

        if (stream.AdoptFailover(shared.Failover, replaced))
        {
            Log.Adopted(logger, stream.Id, shared.Failover.Index, shared.Failover.Version);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(813, LogLevel.Debug, "Stream {StreamId}: failover position {Index} (version {Version}) taken from another instance")]
        public static partial void Adopted(ILogger logger, string streamId, int index, long version);

        [LoggerMessage(814, LogLevel.Warning, "Stream {StreamId}: a change made on another instance could not be read ({Error})")]
        public static partial void AdoptFailed(ILogger logger, string streamId, string error);

        [LoggerMessage(815, LogLevel.Debug, "Stream changes: not subscribed yet ({Error})")]
        public static partial void NotSubscribed(ILogger logger, string error);

        [LoggerMessage(816, LogLevel.Debug, "Stream {StreamId}: failover position not shared ({Error})")]
        public static partial void NotShared(ILogger logger, string streamId, string error);
    }
}
