using System.Text.Json;
using M3uProxy.Edge.Configuration;
using M3uProxy.Edge.Upstream;
using M3uProxy.Edge.Webhooks;

namespace M3uProxy.Edge.Broadcast;

/// <summary>
/// POSTs a broadcast's outcome to its <c>callback_url</c> with the reference's payload and headers
/// (seed-spec §13.2). Unlike the reference it retries a failed attempt (at most
/// <see cref="MaxAttempts"/>, 1 s then 2 s apart) and signs the body like webhooks when
/// <c>WEBHOOK_SECRET</c> is set. The caller never waits: <see cref="Send"/> returns at once, and
/// <see cref="DrainAsync"/> lets pending deliveries finish at shutdown.
/// </summary>
internal sealed partial class BroadcastCallbackSender : IDisposable
{
    public const string UserAgent = "M3U-Proxy-Broadcast/1.0";
    public const int MaxAttempts = 3;

    private readonly HttpClient _client;
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;
    private readonly string _secret;
    private readonly ILogger<BroadcastCallbackSender> _logger;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Lock _gate = new();
    private readonly HashSet<Task> _pending = [];

    public BroadcastCallbackSender(ControlHttpClient http, TimeProvider time, BroadcastOptions options, ProxySettings settings, ILogger<BroadcastCallbackSender> logger)
    {
        _client = http.Client;
        _time = time;
        _timeout = options.CallbackTimeout;
        _secret = settings.WebhookSecret;
        _logger = logger;
    }

    /// <summary>Starts the delivery in the background.</summary>
    public void Send(string url, BroadcastCallback callback)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(callback, BroadcastJsonContext.Api.BroadcastCallback);
        var delivery = Task.Run(() => DeliverAsync(url, callback, body, _shutdown.Token));
        lock (_gate)
        {
            _pending.Add(delivery);
        }

        delivery.ContinueWith(
            done =>
            {
                lock (_gate)
                {
                    _pending.Remove(done);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>Waits for pending deliveries up to <paramref name="deadline"/>, then abandons the rest.</summary>
    public async Task DrainAsync(TimeSpan deadline)
    {
        Task[] pending;
        lock (_gate)
        {
            pending = [.. _pending];
        }

        try
        {
            await Task.WhenAll(pending).WaitAsync(deadline, _time);
        }
        catch (TimeoutException)
        {
            await _shutdown.CancelAsync();
        }
    }

    public void Dispose() => _shutdown.Dispose();

    private async Task DeliverAsync(string url, BroadcastCallback callback, byte[] body, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (delivered, retryable, problem) = await SendOnceAsync(url, body, cancellationToken);
            if (delivered)
            {
                Log.Delivered(_logger, callback.Event, callback.NetworkId, UrlMasking.Mask(url), attempt);
                return;
            }

            if (!retryable || attempt >= MaxAttempts || cancellationToken.IsCancellationRequested)
            {
                Log.GaveUp(_logger, callback.Event, callback.NetworkId, UrlMasking.Mask(url), attempt, problem);
                return;
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(attempt), _time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Log.GaveUp(_logger, callback.Event, callback.NetworkId, UrlMasking.Mask(url), attempt, "shutting down");
                return;
            }
        }
    }

    private async Task<(bool Delivered, bool Retryable, string Problem)> SendOnceAsync(string url, byte[] body, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        if (_secret.Length > 0)
        {
            request.Headers.TryAddWithoutValidation(WebhookSignature.HeaderName, WebhookSignature.Compute(_secret, body));
        }

        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var status = (int)response.StatusCode;
            return status < 400 ? (true, false, "") : (false, status >= 500 || status is 408 or 429, $"HTTP {status}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (false, true, $"no answer within {_timeout.TotalSeconds:0.#} s");
        }
        catch (OperationCanceledException)
        {
            return (false, false, "shutting down");
        }
        catch (HttpRequestException exception)
        {
            return (false, true, UrlMasking.MaskText(exception.Message) ?? "");
        }
    }

    private static partial class Log
    {
        [LoggerMessage(720, LogLevel.Debug, "Broadcast {NetworkId}: callback {Event} delivered to {Url} (attempt {Attempt})")]
        public static partial void Delivered(ILogger logger, string @event, string networkId, string url, int attempt);

        [LoggerMessage(721, LogLevel.Warning, "Broadcast {NetworkId}: gave up on callback {Event} to {Url} after {Attempts} attempts ({Problem})")]
        public static partial void GaveUp(ILogger logger, string @event, string networkId, string url, int attempts, string problem);
    }
}
