using M3uProxy.Edge.Coordination;

namespace M3uProxy.Edge.Webhooks;

/// <summary>
/// Keeps this instance's webhooks the cluster's (with <c>REDIS_ENABLED</c>): registrations made
/// on any instance are added here at once (a notice) or within <see cref="Period"/>; removals are
/// followed; registrations Redis forgot (restarted empty) are written back, unless removed meanwhile.
/// </summary>
internal sealed partial class WebhookSync(IWebhookDirectory directory, WebhookRegistry registry, TimeProvider time, ILogger<WebhookSync> logger) : BackgroundService
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(2);

    private readonly SemaphoreSlim _wake = new(0, 1);

    /// <summary>A registration made here: shared before the answer, so every instance has it within a moment.</summary>
    public ValueTask AddedAsync(WebhookConfig config, CancellationToken cancellationToken)
        => directory.PutAsync(config.Url, SharedWebhook.Serialize(config), onlyIfAbsent: false, cancellationToken);

    public ValueTask RemovedAsync(string url, CancellationToken cancellationToken) => directory.RemoveAsync(url, cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!directory.IsShared)
        {
            return;
        }

        directory.Changed += WakeUp;
        using var timer = new PeriodicTimer(Period, time);
        Task? tick = null, woken = null;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await SyncAsync(stoppingToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    Log.SyncFailed(logger, exception.Message); // tried again next period
                }

                // The next period, or at once on a notice; a wait still pending is kept for the next round.
                tick ??= timer.WaitForNextTickAsync(stoppingToken).AsTask();
                woken ??= _wake.WaitAsync(stoppingToken);
                await Task.WhenAny(tick, woken);
                tick = tick.IsCompleted ? null : tick;
                woken = woken.IsCompleted ? null : woken;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            directory.Changed -= WakeUp;
        }
    }

    private async Task SyncAsync(CancellationToken cancellationToken)
    {
        if (await directory.ListAsync(cancellationToken) is not { } shared)
        {
            return; // Redis away: keep what is registered here
        }

        foreach (var subscriber in registry.Snapshot())
        {
            var url = subscriber.Config.Url;
            if (shared.Removed.Contains(url))
            {
                registry.Remove(url);
            }
            else if (!shared.Registered.ContainsKey(url))
            {
                await directory.PutAsync(url, SharedWebhook.Serialize(subscriber.Config), onlyIfAbsent: true, cancellationToken);
            }
        }

        foreach (var (url, json) in shared.Registered)
        {
            if (SharedWebhook.Deserialize(json) is { } config && registry.Get(url) is var current && (current is null || SharedWebhook.Serialize(current) != json))
            {
                registry.AddOrUpdate(config);
            }
        }
    }

    private void WakeUp()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken.
        }
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(530, LogLevel.Warning, "Webhooks: could not follow the cluster's registrations ({Error})")]
        public static partial void SyncFailed(ILogger logger, string error);
    }
}
