using StackExchange.Redis;

namespace M3uProxy.Edge.Coordination.Redis;

/// <summary>
/// The one Redis connection of this instance. Connects at start without waiting for Redis to be
/// up (it may start later or restart: the client reconnects by itself), and says when the link
/// drops and comes back, so that what this instance holds can be re-asserted.
/// </summary>
internal sealed partial class RedisConnection : IHostedService, IAsyncDisposable
{
    private readonly RedisOptions _options;
    private readonly ILogger<RedisConnection> _logger;
    private ConnectionMultiplexer? _multiplexer;

    public RedisConnection(RedisOptions options, ILogger<RedisConnection> logger)
    {
        _options = options;
        _logger = logger;
    }

    /// <summary>Raised (on a client thread) each time the link to Redis is back after a failure.</summary>
    public event Action? Restored;

    public bool IsConnected => _multiplexer?.IsConnected == true;

    public IDatabase Database => Multiplexer.GetDatabase();

    public ISubscriber Subscriber => Multiplexer.GetSubscriber();

    private ConnectionMultiplexer Multiplexer => _multiplexer ?? throw new TimeoutException("Redis is not connected yet");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var configuration = _options.ToConfiguration();
        _multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration);
        _multiplexer.ConnectionFailed += (_, e) => Log.Lost(_logger, _options.Host, _options.Port, e.FailureType.ToString());
        _multiplexer.ConnectionRestored += (_, _) =>
        {
            Log.Restored(_logger, _options.Host, _options.Port);
            Restored?.Invoke();
        };
        if (_multiplexer.IsConnected)
        {
            Log.Connected(_logger, _options.Host, _options.Port, _options.Database, _options.WorkerId);
        }
        else
        {
            Log.NotReachable(_logger, _options.Host, _options.Port);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_multiplexer is { } multiplexer)
        {
            await multiplexer.CloseAsync(allowCommandsToComplete: false);
            multiplexer.Dispose();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(800, LogLevel.Information, "Redis {Host}:{Port} db {Database} connected; this instance is {WorkerId}")]
        public static partial void Connected(ILogger logger, string host, int port, int database, string workerId);

        [LoggerMessage(801, LogLevel.Warning, "Redis {Host}:{Port} is not reachable: serving what this instance holds, retrying in the background")]
        public static partial void NotReachable(ILogger logger, string host, int port);

        [LoggerMessage(802, LogLevel.Warning, "Redis {Host}:{Port} connection lost ({Failure}): serving what this instance holds, reconnecting")]
        public static partial void Lost(ILogger logger, string host, int port, string failure);

        [LoggerMessage(803, LogLevel.Information, "Redis {Host}:{Port} connection restored: re-asserting what this instance holds")]
        public static partial void Restored(ILogger logger, string host, int port);
    }
}
