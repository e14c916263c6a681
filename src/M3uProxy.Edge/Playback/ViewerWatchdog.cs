using M3uProxy.Edge.Clients;
using M3uProxy.Edge.Configuration;

namespace M3uProxy.Edge.Playback;

/// <summary>
/// Ends viewers whose writes make no progress for <c>VIEWER_WRITE_TIMEOUT</c> (a half-open Wi-Fi
/// client, a paused player holding the connection): one timer checks every viewer once a second,
/// so a write costs two timestamp stores and no allocation.
/// </summary>
internal sealed class ViewerWatchdog : BackgroundService
{
    private readonly Lock _gate = new();
    private readonly HashSet<WriteProgress> _viewers = [];
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;
    private readonly PeriodicTimer _timer;

    public ViewerWatchdog(ProxySettings settings, TimeProvider time)
    {
        _time = time;
        _timeout = TimeSpan.FromSeconds(settings.ViewerWriteTimeoutSeconds);
        _timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Min(1, settings.ViewerWriteTimeoutSeconds / 2)), time);
    }

    public WriteProgress Watch(HttpContext context)
    {
        var progress = new WriteProgress(context, _time);
        lock (_gate)
        {
            _viewers.Add(progress);
        }

        return progress;
    }

    public void Forget(WriteProgress progress)
    {
        lock (_gate)
        {
            _viewers.Remove(progress);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _timer.WaitForNextTickAsync(stoppingToken))
            {
                WriteProgress[] viewers;
                lock (_gate)
                {
                    viewers = [.. _viewers];
                }

                foreach (var viewer in viewers)
                {
                    viewer.AbortIfStuck(_timeout);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override void Dispose()
    {
        _timer.Dispose();
        base.Dispose();
    }
}
