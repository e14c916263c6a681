using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using M3uProxy.Edge.Configuration;

namespace M3uProxy.Edge.Cli;

/// <summary>
/// The CLI's side of the management API: one request per call, the token as <c>X-API-Token</c>,
/// answers read through the server's <see cref="Api.EdgeJsonContext"/>. Every failure becomes a <see cref="CliException"/>
/// with a message that says what to do and an exit code that says what happened.
/// </summary>
internal sealed class ManagementClient : IDisposable
{
    private readonly HttpClient _http;

    public ManagementClient(Uri baseAddress, string? token, TimeSpan timeout)
    {
        BaseAddress = baseAddress;
        // Straight to the server: the management API is local or on the LAN, never through HTTP_PROXY.
        var handler = new SocketsHttpHandler { UseProxy = false, ConnectTimeout = timeout, AllowAutoRedirect = false };
        _http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = timeout };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("m3u-proxy-cli", ProxyVersion.Build));
        if (!string.IsNullOrEmpty(token))
        {
            _http.DefaultRequestHeaders.Add("X-API-Token", token);
        }
    }

    public Uri BaseAddress { get; }

    /// <summary>The base without its trailing slash, as messages show it.</summary>
    public string DisplayAddress => BaseAddress.ToString().TrimEnd('/');

    public Task<ApiAnswer<T>> GetAsync<T>(string path, JsonTypeInfo<T> type, string? notFound, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Get, path, content: null, type, notFound, cancellationToken);

    /// <summary>Sends one request; <paramref name="notFound"/> is the message for a 404 (null: the generic one).</summary>
    public async Task<ApiAnswer<T>> SendAsync<T>(HttpMethod method, string path, HttpContent? content, JsonTypeInfo<T> type, string? notFound, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        var url = DisplayAddress + "/" + path;
        string body;
        HttpStatusCode status;
        Uri? location;
        try
        {
            using var response = await _http.SendAsync(request, cancellationToken);
            status = response.StatusCode;
            location = response.Headers.Location;
            body = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException(CliExitCodes.Unreachable, $"the server at {DisplayAddress} did not answer within {_http.Timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException exception)
        {
            throw new CliException(CliExitCodes.Unreachable, $"cannot reach the server at {DisplayAddress} ({Reason(exception)}); is it running? Point --server at it", exception);
        }

        if ((int)status is >= 200 and < 300)
        {
            return new ApiAnswer<T>(body, Deserialize(body, type, method, url));
        }

        // Redirects are not followed: the token would go wherever they point.
        if ((int)status is >= 300 and < 400)
        {
            throw new CliException(CliExitCodes.ServerError, $"{method} {url} answered HTTP {(int)status}, a redirect to {location?.ToString() ?? "nowhere"}; use the address it points to as --server");
        }

        var detail = ErrorDetail.Read(body);
        throw status switch
        {
            HttpStatusCode.Unauthorized => new CliException(CliExitCodes.Unauthorized, $"the server requires an API token (HTTP 401: {detail}); pass --token or set API_TOKEN"),
            HttpStatusCode.Forbidden => new CliException(CliExitCodes.Unauthorized, $"the server rejected the API token (HTTP 403: {detail}); check --token or API_TOKEN"),
            HttpStatusCode.NotFound => new CliException(CliExitCodes.NotFound, notFound is null || detail == "Not Found"
                ? $"{method} {url} answered HTTP 404 ({detail}); is --server an m3u-proxy?"
                : $"{notFound} (HTTP 404: {detail})"),
            _ => new CliException(CliExitCodes.ServerError, $"{method} {url} failed with HTTP {(int)status}: {detail}"),
        };
    }

    private static T Deserialize<T>(string body, JsonTypeInfo<T> type, HttpMethod method, string url)
    {
        try
        {
            return JsonSerializer.Deserialize(body, type) ?? throw new JsonException("null");
        }
        catch (JsonException exception)
        {
            throw new CliException(CliExitCodes.ServerError, $"{method} {url} did not answer with m3u-proxy JSON ({exception.Message})", exception);
        }
    }

    /// <summary>The innermost message: "Connection refused (127.0.0.1:1)" rather than the wrapper's.</summary>
    private static string Reason(HttpRequestException exception)
    {
        Exception inner = exception;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        return inner.Message;
    }

    public void Dispose() => _http.Dispose();
}
