namespace M3uProxy.Edge.Metrics;

/// <summary>
/// A background service that takes a sample every period on the injected clock (tests advance a
/// fake one), until the host stops.
/// </summary>
internal abstract class PeriodicSampler : BackgroundService
{
    private readonly PeriodicTimer _timer;

    protected PeriodicSampler(TimeSpan period, TimeProvider time) => _timer = new PeriodicTimer(period, time);

    /// <summary>Takes a sample now (the timer calls it every period).</summary>
    public abstract void Sample();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _timer.WaitForNextTickAsync(stoppingToken))
            {
                Sample();
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
