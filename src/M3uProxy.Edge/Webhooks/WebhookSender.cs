using M3uProxy.Edge.Events;
using M3uProxy.Edge.Metrics;
using M3uProxy.Edge.Upstream;

namespace M3uProxy.Edge.Webhooks;

/// <summary>
/// POSTs one event to one webhook with the reference's headers, per-attempt timeout and retries
/// (backoff 1, 2, 4 … s, seed-spec §11.5), adding the HMAC signature when a secret is set.
/// Timeouts and back-off run on the injected clock.
/// </summary>
internal sealed partial class WebhookSender
{
    public const string UserAgent = "M3U-Proxy-Webhook/1.0";
    private const int MaxTimeoutSeconds = 86_400;
    private static readonly TimeSpan _maxBackoff = TimeSpan.FromSeconds(60);

    private readonly HttpClient _client;
    private readonly TimeProvider _time;
    private readonly ProxyMetrics _metrics;
    private readonly ILogger<WebhookSender> _logger;

    public WebhookSender(ControlHttpClient http, TimeProvider time, ProxyMetrics metrics, ILogger<WebhookSender> logger)
    {
        // The control-plane client: receivers are named by the operator; no proxy, no redirects, no cookies.
        _client = http.Client;
        _time = time;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>True when an attempt succeeded (status below 400). Never throws but for cancellation.</summary>
    public async Task<bool> DeliverAsync(WebhookConfig webhook, ProxyEvent proxyEvent, bool maskUrls, CancellationToken cancellationToken)
    {
        var body = WebhookEnvelope.Serialize(proxyEvent, maskUrls);
        var attempts = webhook.RetryAttempts + 1;
        for (var attempt = 1; ; attempt++)
        {
            var (delivered, retryable, problem) = await SendOnceAsync(webhook, body, cancellationToken);
            if (delivered)
            {
                _metrics.WebhookDelivery(true);
                Log.Delivered(_logger, proxyEvent.Type.ToWire(), UrlMasking.Mask(webhook.Url), attempt);
                return true;
            }

            if (!retryable || attempt >= attempts)
            {
                _metrics.WebhookDelivery(false);
                Log.GaveUp(_logger, proxyEvent.Type.ToWire(), UrlMasking.Mask(webhook.Url), attempt, problem);
                return false;
            }

            Log.Retrying(_logger, proxyEvent.Type.ToWire(), UrlMasking.Mask(webhook.Url), attempt, problem);
            await Task.Delay(Backoff(attempt), _time, cancellationToken);
        }
    }

    /// <summary>The pause after failed attempt <paramref name="attempt"/>: 1 s, 2 s, 4 s … up to a minute.</summary>
    public static TimeSpan Backoff(int attempt)
    {
        var seconds = Math.Pow(2, Math.Min(attempt - 1, 16));
        return TimeSpan.FromSeconds(Math.Min(seconds, _maxBackoff.TotalSeconds));
    }

    private async Task<(bool Delivered, bool Retryable, string Problem)> SendOnceAsync(WebhookConfig webhook, byte[] body, CancellationToken cancellationToken)
    {
        // Any int is a valid timeout for the reference; a timer cannot wait longer than ~49 days.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(Math.Min(webhook.TimeoutSeconds, MaxTimeoutSeconds)), _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using var request = BuildRequest(webhook, body);
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var status = (int)response.StatusCode;
            return status < 400
                ? (true, false, "")
                : (false, status >= 500 || status is 408 or 429, $"HTTP {status}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (false, true, $"no answer within {webhook.TimeoutSeconds} s");
        }
        catch (HttpRequestException exception)
        {
            return (false, true, UrlMasking.MaskText(exception.Message));
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Anything else (a header the handler refuses …) will not heal by retrying.
            return (false, false, UrlMasking.MaskText(exception.Message));
        }
    }

    private static HttpRequestMessage BuildRequest(WebhookConfig webhook, byte[] body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url)
        {
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        if (!string.IsNullOrEmpty(webhook.Secret))
        {
            request.Headers.TryAddWithoutValidation(WebhookSignature.HeaderName, WebhookSignature.Compute(webhook.Secret, body));
        }

        // The webhook's own headers win, as in the reference; the signature is always ours.
        foreach (var (name, value) in webhook.Headers)
        {
            if (name.Equals(WebhookSignature.HeaderName, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                request.Content.Headers.Remove(name);
                request.Content.Headers.TryAddWithoutValidation(name, value);
                continue;
            }

            request.Headers.Remove(name);
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    private static partial class Log
    {
        [LoggerMessage(500, LogLevel.Debug, "Webhook {Url}: {EventType} delivered (attempt {Attempt})")]
        public static partial void Delivered(ILogger logger, string eventType, string url, int attempt);

        [LoggerMessage(501, LogLevel.Debug, "Webhook {Url}: {EventType} attempt {Attempt} failed ({Problem}); retrying")]
        public static partial void Retrying(ILogger logger, string eventType, string url, int attempt, string problem);

        [LoggerMessage(502, LogLevel.Warning, "Webhook {Url}: gave up on {EventType} after {Attempts} attempts ({Problem})")]
        public static partial void GaveUp(ILogger logger, string eventType, string url, int attempts, string problem);
    }
}
