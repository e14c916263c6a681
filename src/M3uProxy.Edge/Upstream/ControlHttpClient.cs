using System.Net;

namespace M3uProxy.Edge.Upstream;

/// <summary>
/// The HTTP client for control-plane calls the proxy makes on its own behalf (connection tests,
/// and later resolver and webhook calls). Separate from the streaming upstream client: short
/// timeouts, no redirects unless asked, no proxy, no cookies.
/// </summary>
internal sealed class ControlHttpClient : IDisposable
{
    public ControlHttpClient()
    {
        Client = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public HttpClient Client { get; }

    public void Dispose() => Client.Dispose();
}
