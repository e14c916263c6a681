using System.Net;
using System.Net.Sockets;
using System.Text;

namespace M3uProxy.Edge.Tests.Infrastructure;

/// <summary>
/// A client on a bare socket, for what an HTTP client library hides: the exact response head and
/// framing, the HTTP version asked for, and a socket buffer small enough for a viewer that stops reading to fill it.
/// </summary>
public static class RawHttp
{
    /// <summary>Connects with a 4 KiB receive buffer and sends a GET of <paramref name="url"/> as <paramref name="version"/>.</summary>
    public static async Task<Socket> SendGetAsync(Uri url, string version)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Parse(url.Host), url.Port), TestContext.Current.CancellationToken);
        await socket.SendAsync(Encoding.ASCII.GetBytes($"GET {url.PathAndQuery} {version}\r\nHost: {url.Authority}\r\n\r\n"), TestContext.Current.CancellationToken);
        return socket;
    }

    // Everything until the server closes, within 20 s.
    public static async Task<byte[]> ReadToEndAsync(Socket socket)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        var all = new MemoryStream();
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
        {
            all.Write(buffer, 0, read);
        }

        return all.ToArray();
    }

    public static (string Head, byte[] Body) SplitHead(byte[] response)
    {
        var end = response.AsSpan().IndexOf("\r\n\r\n"u8);
        Assert.True(end > 0, "no complete response head");
        return (Encoding.ASCII.GetString(response, 0, end + 4), response[(end + 4)..]);
    }
}
