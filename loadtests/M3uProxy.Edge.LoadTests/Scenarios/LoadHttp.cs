using System.Net;

namespace M3uProxy.Edge.LoadTests.Scenarios;

/// <summary>
/// The one HTTP client of a run: plain HTTP/1.1 over <see cref="SocketsHttpHandler"/>, one connection
/// per concurrent client, no proxy, cookies, redirects or decompression (bodies are counted as sent).
/// </summary>
internal static class LoadHttp
{
    public static HttpClient Create() => new(new SocketsHttpHandler
    {
        UseProxy = false,
        UseCookies = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        MaxConnectionsPerServer = int.MaxValue,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan, // every play is bounded by the step's own cancellation
        DefaultRequestVersion = HttpVersion.Version11,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };
}
