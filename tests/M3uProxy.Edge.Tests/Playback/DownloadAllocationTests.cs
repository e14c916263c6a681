using System.Net;
using System.Net.Sockets;
using System.Text;
using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Tests.Infrastructure;

namespace M3uProxy.Edge.Tests.Playback;

/// <summary>
/// The allocation budget of a download end to end: upstream socket → fan-out → Kestrel → client
/// socket, in the proxy as a process of its own (the build's app host: Kestrel, its block pool,
/// HttpClient), its allocations read from its <c>/metrics</c>, so nothing else this test run does is
/// counted (in-process, earlier tests' leftovers added 170 B per chunk to a full run). What the proxy
/// allocates for each extra 64 KiB: with 4 KiB Kestrel blocks a 64 KiB send spanned sixteen buffers
/// and the runtime's sendmsg allocated an IOVector[] and a GCHandle[] for each (≈ 800 B per chunk
/// measured here); 16 KiB blocks keep it to four, pinned on the stack.
/// </summary>
[Collection(StreamingTests.Name)]
public sealed class DownloadAllocationTests
{
    /// <summary>What the proxy may allocate per extra 64 KiB it forwards: measured 0–25 B (timers, the runtime's own).</summary>
    private const long BudgetBytesPer64KiB = 40;

    // 256 MiB (128 MiB for the slow client) against 8 MiB: what the proxy allocates besides the download
    // (timers, the scrape) varies by ±100 kB per run, under 30 B per chunk over this difference.
    private const int LargeDownload = 256 * 1024 * 1024;

    private static readonly byte[] _media = TsPacketFactory.Create(16 * 1024 * 1024 / 188);

    /// <param name="slowClient">
    /// A client that reads in small pieces through a small socket buffer: the viewer's socket is full at
    /// every write, so each one waits for the socket (the regime of one fast download). A state machine
    /// allocated per wait (the direct send's flush, before it was pooled) cost 150–200 B per chunk here,
    /// and at 200 downloads grew gen0 by 3 MB/s without a collection, all of it in the peak RSS.
    /// </param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ADownload_AllocatesAlmostNothingPerChunk(bool slowClient)
    {
        using var origin = new SocketOrigin(_media);
        await using var proxy = ChildProxy.Start(new Dictionary<string, string> { ["LOG_LEVEL"] = "WARNING" });
        await proxy.WaitUntilUpAsync();
        var largeDownload = slowClient ? LargeDownload / 2 : LargeDownload;

        await DownloadAsync(proxy, origin, 8 * 1024 * 1024, slowClient); // warm-up: JIT, pools, connections
        var small = await LeastOfAsync(proxy, origin, 8 * 1024 * 1024, slowClient);
        var large = await LeastOfAsync(proxy, origin, largeDownload, slowClient);

        var perChunk = (large.Allocated - small.Allocated) * 65_536 / (large.Received - small.Received);
        TestContext.Current.TestOutputHelper?.WriteLine($"{small.Received} B: {small.Allocated} B allocated; {large.Received} B: {large.Allocated} B; {perChunk} B per extra 64 KiB");
        Assert.True(large.Received >= largeDownload, $"received {large.Received} of {largeDownload} B");
        Assert.True(perChunk <= BudgetBytesPer64KiB, $"{perChunk} B allocated per 64 KiB forwarded");
    }

    /// <summary>The least of three downloads: what one allocates besides its bytes varies (timers, the first request of a kind).</summary>
    private static async Task<(long Received, long Allocated)> LeastOfAsync(ChildProxy proxy, SocketOrigin origin, int length, bool slowClient)
    {
        var runs = new List<(long Received, long Allocated)>();
        for (var i = 0; i < 3; i++)
        {
            runs.Add(await DownloadAsync(proxy, origin, length, slowClient));
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{length} B: {string.Join(", ", runs.Select(r => r.Allocated))} B allocated");
        return runs.MinBy(r => r.Allocated);
    }

    private static async Task<(long Received, long Allocated)> DownloadAsync(ChildProxy proxy, SocketOrigin origin, int length, bool slowClient)
    {
        var url = new Uri(proxy.Client.BaseAddress!, "stream/" + await proxy.CreateStreamAsync(origin.Url(length)));
        var before = await proxy.AllocatedBytesAsync();
        var received = await Task.Factory.StartNew(() => ReadToEnd(url, slowClient), TaskCreationOptions.LongRunning);
        return (received, await proxy.AllocatedBytesAsync() - before);
    }

    /// <summary>A GET with <c>Connection: close</c>; counts what arrives (headers and chunk framing too) until the proxy closes.</summary>
    private static long ReadToEnd(Uri url, bool slowClient)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 30_000 };
        if (slowClient)
        {
            socket.ReceiveBufferSize = 16 * 1024;
        }

        socket.Connect(IPAddress.Loopback, url.Port);
        socket.Send(Encoding.ASCII.GetBytes($"GET {url.PathAndQuery} HTTP/1.1\r\nHost: {url.Authority}\r\nUser-Agent: VLC/3.0\r\nConnection: close\r\n\r\n"));
        var buffer = new byte[slowClient ? 4 * 1024 : 256 * 1024];
        long total = 0;
        int read;
        while ((read = socket.Receive(buffer)) > 0)
        {
            total += read;
        }

        return total;
    }

    /// <summary>Answers every GET with N bytes of the media, repeated (N from the path: <c>/N.ts</c>), from one thread, with blocking sends.</summary>
    private sealed class SocketOrigin : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly byte[] _media;
        private readonly Thread _thread;

        public SocketOrigin(byte[] media)
        {
            _media = media;
            _listener.Start();
            _thread = new Thread(Serve) { IsBackground = true };
            _thread.Start();
        }

        public string Url(int length) => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/{length}.ts";

        public void Dispose() => _listener.Stop();

        private void Serve()
        {
            var request = new byte[8192];
            while (true)
            {
                Socket client;
                try
                {
                    client = _listener.AcceptSocket();
                }
                catch (SocketException)
                {
                    return; // stopped
                }

                using (client)
                {
                    try
                    {
                        var head = Encoding.ASCII.GetString(request, 0, client.Receive(request));
                        var path = head.Split(' ')[1];
                        var length = int.Parse(path.AsSpan(1, path.IndexOf('.', StringComparison.Ordinal) - 1), System.Globalization.CultureInfo.InvariantCulture);
                        client.Send(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: video/mp2t\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n"));
                        for (var sent = 0; sent < length; sent += _media.Length)
                        {
                            client.Send(_media, 0, Math.Min(_media.Length, length - sent), SocketFlags.None);
                        }

                        client.Shutdown(SocketShutdown.Send);
                    }
                    catch (SocketException)
                    {
                        // The proxy hung up first: serve the next one.
                    }
                }
            }
        }
    }
}
