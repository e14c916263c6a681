using System.Net;
using System.Net.Sockets;
using System.Text;

namespace M3uProxy.Edge.Tests.Infrastructure;

/// <summary>A player-like HTTP client for media: its own connection pool, no timeouts of its own, bounded reads.</summary>
public sealed class MediaClient : IDisposable
{
    private readonly HttpClient _client;

    /// <param name="userAgent">The User-Agent to send.</param>
    /// <param name="receiveBufferSize">A small socket receive buffer makes a slow reader show up quickly.</param>
    public MediaClient(string? userAgent = null, int? receiveBufferSize = null)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 10_000,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            // Disposing an unfinished live response must close it, not drain it for seconds.
            MaxResponseDrainSize = 0,
        };
        if (receiveBufferSize is { } size)
        {
            handler.ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = size, NoDelay = true };
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            };
        }

        _client = new HttpClient(handler)
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        if (userAgent is not null)
        {
            _client.DefaultRequestHeaders.UserAgent.ParseAdd(userAgent);
        }
    }

    public async Task<HttpResponseMessage> OpenAsync(string url, string? range = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (range is not null)
        {
            request.Headers.TryAddWithoutValidation("Range", range);
        }

        return await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    public async Task<HttpResponseMessage> HeadAsync(string url, string? range = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, url);
        if (range is not null)
        {
            request.Headers.TryAddWithoutValidation("Range", range);
        }

        return await _client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>The whole body (bounded by <paramref name="timeout"/>).</summary>
    public async Task<byte[]> ReadAllAsync(string url, string? range = null, TimeSpan? timeout = null)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout ?? TimeSpan.FromSeconds(30));
        using var response = await OpenAsync(url, range, cts.Token);
        return await response.Content.ReadAsByteArrayAsync(cts.Token);
    }

    /// <summary>
    /// Reads until <paramref name="count"/> bytes arrived, the body ended, or the time is up. The
    /// response stays open (dispose it to hang up), so a test can read it again later.
    /// </summary>
    public static async Task<byte[]> ReadAtLeastAsync(HttpResponseMessage response, int count, TimeSpan timeout)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout);
        var body = await response.Content.ReadAsStreamAsync(cts.Token);
        var buffer = new byte[count];
        var filled = 0;
        try
        {
            while (filled < count)
            {
                var read = await body.ReadAsync(buffer.AsMemory(filled), cts.Token);
                if (read == 0)
                {
                    break;
                }

                filled += read;
            }
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
        }

        return buffer[..filled];
    }

    /// <summary>A raw TCP client that sends a GET and then never reads (a stalled, half-open player).</summary>
    public static async Task<Socket> OpenStalledAsync(Uri url)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Parse(url.Host), url.Port), TestContext.Current.CancellationToken);
        var request = Encoding.ASCII.GetBytes($"GET {url.PathAndQuery} HTTP/1.1\r\nHost: {url.Authority}\r\nUser-Agent: stalled-player\r\n\r\n");
        await socket.SendAsync(request, TestContext.Current.CancellationToken);
        return socket;
    }

    public void Dispose() => _client.Dispose();
}
