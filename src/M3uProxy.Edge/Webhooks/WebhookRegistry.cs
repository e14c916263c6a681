using M3uProxy.Edge.Configuration;
using M3uProxy.Edge.Coordination;
using M3uProxy.Edge.Events;
using M3uProxy.Edge.Upstream;

namespace M3uProxy.Edge.Webhooks;

/// <summary>
/// The registered webhooks, in memory as in the reference (m3u-editor re-registers after a
/// restart), one per URL: registering a URL again updates it in place, so its queue and order
/// survive and no receiver ever gets an event twice. On shutdown it lets every webhook deliver
/// what is queued (the last <c>stream_stopped</c> events) within a deadline.
/// </summary>
internal sealed partial class WebhookRegistry : IHostedService
{
    private static readonly TimeSpan _drainDeadline = TimeSpan.FromSeconds(5);

    private readonly EventBus _events;
    private readonly WebhookSender _sender;
    private readonly ProxySettings _settings;
    private readonly ILogger<WebhookRegistry> _logger;
    private readonly IStreamAnnouncements _announcements;
    private readonly Lock _gate = new();
    private readonly List<WebhookSubscriber> _webhooks = [];

    public WebhookRegistry(EventBus events, WebhookSender sender, ProxySettings settings, IStreamAnnouncements announcements, ILogger<WebhookRegistry> logger)
    {
        _announcements = announcements;
        _events = events;
        _sender = sender;
        _settings = settings;
        _logger = logger;
    }

    public IReadOnlyList<WebhookSubscriber> Snapshot()
    {
        lock (_gate)
        {
            return [.. _webhooks];
        }
    }

    /// <summary>Adds the webhook, or updates the one with the same URL.</summary>
    public void AddOrUpdate(WebhookConfig config)
    {
        lock (_gate)
        {
            if (Find(config.Url) is { } existing)
            {
                existing.Config = config;
                Log.Updated(_logger, UrlMasking.Mask(config.Url), config.Events.Count);
                return;
            }

            _webhooks.Add(new WebhookSubscriber(config, _events, _settings.WebhookQueueSize, _sender, _settings.MaskUrls, _announcements));
            Log.Added(_logger, UrlMasking.Mask(config.Url), config.Events.Count);
        }
    }

    public bool Remove(string url)
    {
        WebhookSubscriber? removed;
        lock (_gate)
        {
            removed = Find(url);
            if (removed is null)
            {
                return false;
            }

            _webhooks.Remove(removed);
        }

        removed.Cancel();
        Log.Removed(_logger, UrlMasking.Mask(url));
        return true;
    }

    public WebhookConfig? Get(string url)
    {
        lock (_gate)
        {
            return Find(url)?.Config;
        }
    }

    /// <summary>Sends one event to one webhook now, with its retries (<c>POST /webhooks/test</c>).</summary>
    public Task<bool> SendNowAsync(WebhookConfig config, ProxyEvent proxyEvent, CancellationToken cancellationToken)
        => _sender.DeliverAsync(config, proxyEvent, _settings.MaskUrls, cancellationToken);

    private WebhookSubscriber? Find(string url) => _webhooks.Find(w => w.Config.Url == url);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Runs after <c>ApplicationStopping</c> (when every stream has published its last event): no
    /// new events are taken, and each webhook gets until the deadline to deliver its queue.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var webhooks = Snapshot();
        foreach (var webhook in webhooks)
        {
            webhook.Complete();
        }

        var pending = webhooks.Sum(w => w.Pending);
        var drained = Task.WhenAll(webhooks.Select(w => w.Worker));
        try
        {
            await drained.WaitAsync(_drainDeadline, cancellationToken);
        }
        catch (Exception exception) when (exception is TimeoutException or OperationCanceledException)
        {
            Log.DrainIncomplete(_logger, webhooks.Sum(w => w.Pending), pending);
        }

        foreach (var webhook in webhooks)
        {
            webhook.Cancel();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(510, LogLevel.Information, "Webhook {Url} added ({Events} event types)")]
        public static partial void Added(ILogger logger, string url, int events);

        [LoggerMessage(511, LogLevel.Information, "Webhook {Url} updated ({Events} event types)")]
        public static partial void Updated(ILogger logger, string url, int events);

        [LoggerMessage(512, LogLevel.Information, "Webhook {Url} removed")]
        public static partial void Removed(ILogger logger, string url);

        [LoggerMessage(513, LogLevel.Warning, "Shutdown: {Left} of {Queued} webhook events were not delivered in time")]
        public static partial void DrainIncomplete(ILogger logger, int left, int queued);
    }
}
