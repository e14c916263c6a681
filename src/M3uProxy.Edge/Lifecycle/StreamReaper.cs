using M3uProxy.Edge.Configuration;

namespace M3uProxy.Edge.Lifecycle;

/// <summary>Sweeps idle clients and streams every <c>CLEANUP_INTERVAL</c> on the injected clock.</summary>
internal sealed class StreamReaper : BackgroundService
{
    private readonly StreamLifecycle _lifecycle;
    private readonly ILogger<StreamReaper> _logger;
    private readonly PeriodicTimer _timer;

    public StreamReaper(StreamLifecycle lifecycle, ProxySettings settings, TimeProvider time, ILogger<StreamReaper> logger)
    {
        _lifecycle = lifecycle;
        _logger = logger;
        // Created here, not in ExecuteAsync, so that the timer exists once the host has started.
        _timer = new PeriodicTimer(settings.CleanupInterval, time);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var (clients, streams) = _lifecycle.ReapIdle();
                    LifecycleLog.Reaped(_logger, clients, streams);
                }
                catch (Exception exception)
                {
                    LifecycleLog.ReaperFailed(_logger, Upstream.UrlMasking.MaskText(exception.ToString()));
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    public override void Dispose()
    {
        _timer.Dispose();
        base.Dispose();
    }
}
