using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using M3uProxy.Edge.Configuration;

namespace M3uProxy.Edge.Upstream;

/// <summary>
/// The one HTTP client for media upstreams. A deliberately configured <see cref="SocketsHttpHandler"/>
/// behind an <see cref="HttpMessageInvoker"/> (no buffering): no proxy, no cookies, no
/// decompression, a connect timeout, a pooled-connection lifetime, no cap on connections per
/// server. Redirects are followed here, up to a limit, so the final URL is known (HLS bases,
/// sticky sessions) and credentials are not carried to another origin.
/// </summary>
internal sealed class UpstreamClient : IDisposable
{
    private static readonly HashSet<string> _credentialHeaders = new(StringComparer.OrdinalIgnoreCase) { "Authorization", "Cookie", "Proxy-Authorization" };

    private readonly HttpMessageInvoker _invoker;
    private readonly TimeSpan _headersTimeout;
    private readonly int _maxRedirects;
    private int _openResponses;

    public UpstreamClient(ProxySettings settings, UpstreamTlsPolicy? tlsPolicy = null)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(settings.ConnectTimeoutSeconds),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            MaxConnectionsPerServer = int.MaxValue,
            // A body left unread (a viewer left a live stream) closes its connection at once; never drain it.
            MaxResponseDrainSize = 0,
            EnableMultipleHttp2Connections = true,
        };
        if (tlsPolicy?.Validate is { } validate)
        {
            handler.SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = validate };
        }

        _invoker = new HttpMessageInvoker(handler, disposeHandler: true);
        _headersTimeout = TimeSpan.FromSeconds(settings.LiveReadTimeoutSeconds);
        _maxRedirects = settings.UpstreamMaxRedirects;
    }

    /// <summary>
    /// Sends the request and returns once response headers arrive (following redirects). Throws
    /// <see cref="UpstreamException"/> for a connect failure, a timeout, too many redirects or an
    /// HTTP error status (except 416, which callers pass through).
    /// </summary>
    public async Task<UpstreamResponse> SendAsync(UpstreamRequest request, CancellationToken cancellationToken)
    {
        var url = new Uri(request.Url);
        var origin = url;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_headersTimeout);
        for (var hop = 0; ; hop++)
        {
            using var message = BuildMessage(request, url, sameOrigin: IsSameOrigin(origin, url));
            HttpResponseMessage response;
            try
            {
                response = await _invoker.SendAsync(message, timeout.Token);
            }
            catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
            {
                throw new UpstreamException(UpstreamFailure.Timeout, $"No response from upstream within {_headersTimeout.TotalSeconds:0.#} s", inner: exception);
            }
            catch (HttpRequestException exception)
            {
                throw new UpstreamException(UpstreamFailure.Connect, "Cannot connect to upstream: " + Describe(exception), inner: exception);
            }

            var status = (int)response.StatusCode;
            if (status is 301 or 302 or 303 or 307 or 308)
            {
                var location = response.Headers.Location;
                response.Dispose();
                if (location is null || hop >= _maxRedirects)
                {
                    throw new UpstreamException(UpstreamFailure.Redirect, hop >= _maxRedirects ? $"More than {_maxRedirects} redirects" : "Redirect without a location", status);
                }

                var next = location.IsAbsoluteUri ? location : new Uri(url, location);
                if (next.Scheme != Uri.UriSchemeHttp && next.Scheme != Uri.UriSchemeHttps)
                {
                    throw new UpstreamException(UpstreamFailure.Redirect, "Redirect to a non-HTTP location", status);
                }

                url = next;
                continue;
            }

            if (status >= 400 && status != 416)
            {
                var contentType = response.Content.Headers.ContentType?.MediaType;
                response.Dispose();
                throw new UpstreamException(UpstreamFailure.Status, $"Upstream answered {status} ({contentType ?? "no content type"})", status, contentType: contentType);
            }

            try
            {
                var body = await response.Content.ReadAsStreamAsync(timeout.Token);
                // Counted against the provider asked (before redirects): its connection cap is what operators watch.
                var provider = Traffic.For(origin);
                Interlocked.Increment(ref _openResponses);
                provider.Opened();
                return new UpstreamResponse(response, new CountingReadStream(body, provider), url, () =>
                {
                    Interlocked.Decrement(ref _openResponses);
                    provider.Closed();
                });
            }
            catch (Exception exception) when (exception is OperationCanceledException or HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
            {
                response.Dispose();
                throw new UpstreamException(UpstreamFailure.Read, "Upstream body could not be opened", status, exception);
            }
        }
    }

    private static HttpRequestMessage BuildMessage(UpstreamRequest request, Uri url, bool sameOrigin)
    {
        var message = new HttpRequestMessage(request.HeadOnly ? HttpMethod.Head : HttpMethod.Get, url)
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrHigher,
        };
        var headers = message.Headers;
        // The reference's headers (seed-spec §6.2); the stream's custom headers override them.
        headers.TryAddWithoutValidation("User-Agent", request.UserAgent);
        headers.TryAddWithoutValidation("Referer", $"{url.Scheme}://{url.Authority}/");
        headers.TryAddWithoutValidation("Origin", $"{url.Scheme}://{url.Authority}");
        headers.TryAddWithoutValidation("Accept", "*/*");
        foreach (var (name, value) in request.Headers)
        {
            if (!sameOrigin && _credentialHeaders.Contains(name))
            {
                continue;
            }

            headers.Remove(name);
            headers.TryAddWithoutValidation(name, value);
        }

        if (request.Range is not null)
        {
            headers.TryAddWithoutValidation("Range", request.Range);
        }

        return message;
    }

    private static bool IsSameOrigin(Uri a, Uri b)
        => a.Scheme == b.Scheme && string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port;

    private static string Describe(HttpRequestException exception) => exception.InnerException switch
    {
        AuthenticationException => "TLS handshake failed",
        System.Net.Sockets.SocketException socket => socket.SocketErrorCode.ToString(),
        _ => exception.HttpRequestError.ToString(),
    };

    /// <summary>Upstream responses whose body is open (live sources, VOD and segment transfers), for metrics.</summary>
    public int OpenResponses => Volatile.Read(ref _openResponses);

    /// <summary>Open responses and bytes read, per provider (for metrics).</summary>
    public ProviderTraffic Traffic { get; } = new();

    public void Dispose() => _invoker.Dispose();
}

/// <summary>A test-only hook: how to validate upstream TLS certificates (null = the platform's validation).</summary>
internal sealed record UpstreamTlsPolicy(RemoteCertificateValidationCallback? Validate);
