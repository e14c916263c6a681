using M3uProxy.Edge.Coordination;
using M3uProxy.Edge.Events;
using M3uProxy.Edge.Upstream;

namespace M3uProxy.Edge.Webhooks;

/// <summary>
/// One webhook's delivery: its own bounded queue on the event bus and its own worker, which sends
/// the queued events one at a time, in order, with retries. A slow or dead receiver only holds up
/// its own queue; when that is full, new events for it are dropped and counted.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The stop source has no timer; it is only cancelled, and the worker may still observe it.")]
internal sealed class WebhookSubscriber
{
    private readonly EventSubscription _subscription;
    private readonly WebhookSender _sender;
    private readonly bool _maskUrls;
    private readonly IStreamAnnouncements _announcements;
    private readonly CancellationTokenSource _stop = new();
    private WebhookConfig _config;

    public WebhookSubscriber(WebhookConfig config, EventBus events, int capacity, WebhookSender sender, bool maskUrls, IStreamAnnouncements announcements)
    {
        _announcements = announcements;
        _config = config;
        _sender = sender;
        _maskUrls = maskUrls;
        // The filter reads the current configuration, so a re-registration changes it in place.
        // stream_stopped has reserved room: m3u-editor's connection counts depend on every one.
        _subscription = events.Subscribe("webhook " + UrlMasking.Mask(config.Url), capacity, e => Config.Wants(e.Type), e => e.Type == EventType.StreamStopped);
        Worker = Task.Run(RunAsync);
    }

    public WebhookConfig Config
    {
        get => Volatile.Read(ref _config);
        set => Volatile.Write(ref _config, value);
    }

    /// <summary>Events waiting for delivery.</summary>
    public int Pending => _subscription.Pending;

    /// <summary>Events dropped because the queue was full.</summary>
    public long Dropped => _subscription.Dropped;

    public Task Worker { get; }

    /// <summary>Stops taking events; the worker delivers what is queued, then ends.</summary>
    public void Complete() => _subscription.Dispose();

    /// <summary>Stops at once: queued events are dropped and an attempt in flight is cancelled.</summary>
    public void Cancel()
    {
        _subscription.Dispose();
        _stop.Cancel();
    }

    private async Task RunAsync()
    {
        try
        {
            await foreach (var proxyEvent in _subscription.Reader.ReadAllAsync(_stop.Token))
            {
                // In a cluster, a stream_stopped of this instance's part of a stream is not the stream's (another instance still has viewers).
                if (await _announcements.ShouldAnnounceAsync(proxyEvent, _stop.Token))
                {
                    await _sender.DeliverAsync(Config, proxyEvent, _maskUrls, _stop.Token);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Removed, or the shutdown deadline passed.
        }
    }
}
