using System.Text.Json;
using M3uProxy.Edge.Lifecycle;
using StackExchange.Redis;

namespace M3uProxy.Edge.Coordination.Redis;

/// <summary>
/// Every <see cref="Period"/>: reports this instance's connected viewers to Redis
/// (<c>m3u-proxy:clients:{worker}</c>, expiring unless renewed) and reads the other present
/// instances' into <see cref="RemoteClients"/>. Redis away: the others' viewers are left out
/// rather than shown stale.
/// </summary>
internal sealed partial class RedisClientExchange(RedisConnection redis, RedisOptions options, StreamLifecycle lifecycle, RemoteClients remote, TimeProvider time, ILogger<RedisClientExchange> logger) : BackgroundService
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan _expiry = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, time);
        try
        {
            do
            {
                try
                {
                    await ExchangeAsync();
                }
                catch (Exception exception) when (RedisFailures.IsRedisDown(exception))
                {
                    remote.Replace([]);
                    Log.ExchangeFailed(logger, RedisFailures.Describe(exception));
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task ExchangeAsync()
    {
        if (!redis.IsConnected)
        {
            remote.Replace([]);
            return;
        }

        var database = redis.Database;
        var mine = lifecycle.ClientSnapshot().Where(c => c.IsConnected).Select(c => new RemoteClient(
            c.ClientId, c.StreamId, c.Identity.UserAgent, c.Identity.IpAddress, c.Identity.Username, c.BytesServed, c.SegmentsServed, c.CreatedAt, c.LastAccess, options.WorkerId)).ToList();
        await database.StringSetAsync(RedisKeys.Clients(options.WorkerId), JsonSerializer.Serialize(mine, ClusterJsonContext.Default.ListRemoteClient), _expiry);

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var others = (await database.SortedSetRangeByScoreAsync(RedisKeys.Instances, now, double.PositiveInfinity))
            .Select(w => w.ToString()).Where(w => w != options.WorkerId).ToList();
        if (others.Count == 0)
        {
            remote.Replace([]);
            return;
        }

        var reports = await database.StringGetAsync([.. others.Select(w => (RedisKey)RedisKeys.Clients(w))]);
        var clients = new List<RemoteClient>();
        foreach (var report in reports)
        {
            if (report.IsNullOrEmpty)
            {
                continue;
            }

            try
            {
                clients.AddRange(JsonSerializer.Deserialize(report.ToString(), ClusterJsonContext.Default.ListRemoteClient) ?? []);
            }
            catch (JsonException)
            {
                // Reported by another version: left out.
            }
        }

        remote.Replace(clients);
    }

    private static partial class Log
    {
        [LoggerMessage(846, LogLevel.Debug, "Could not exchange viewers with the other instances ({Error})")]
        public static partial void ExchangeFailed(ILogger logger, string error);
    }
}
