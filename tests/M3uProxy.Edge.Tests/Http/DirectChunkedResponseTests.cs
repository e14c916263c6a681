using System.Net;
using System.Net.Sockets;
using System.Text;
using M3uProxy.Edge.Hosting;
using M3uProxy.Edge.Http;
using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Tests.Infrastructure;
using M3uProxy.Edge.Tests.Playback;
using Microsoft.AspNetCore.Connections.Features;

namespace M3uProxy.Edge.Tests.Http;

/// <summary>
/// Live responses written straight to the viewer's socket (<c>LIVE_DIRECT_SEND</c>): the bytes and the
/// HTTP framing a client gets, what falls back to Kestrel's pipe, and the end of the connection.
/// </summary>
[Collection(StreamingTests.Name)]
public sealed class DirectChunkedResponseTests
{
    private static readonly byte[] _file = TsPacketFactory.Create(40_000); // 7.5 MB: more than the sockets' buffers

    [Fact]
    public async Task AFile_ArrivesWhole_InChunks_WithConnectionClose_ThenTheProxyCloses_EvenForAClientThatPausedFirst()
    {
        await using var origin = await FileOriginAsync();
        await using var proxy = await ProxyHost.StartAsync();
        var url = new Uri(await proxy.StreamUrlAsync(origin.Url("/clip.ts")));

        using var socket = await RawHttp.SendGetAsync(url, "HTTP/1.1");
        // Not reading for a while fills the socket, so writes keep what it refused and send it later.
        await Task.Delay(500, TestContext.Current.CancellationToken);
        var (head, body) = RawHttp.SplitHead(await RawHttp.ReadToEndAsync(socket));

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", head, StringComparison.Ordinal);
        Assert.Contains("\r\nConnection: close\r\n", head, StringComparison.Ordinal);
        Assert.Contains("\r\nTransfer-Encoding: chunked\r\n", head, StringComparison.Ordinal);
        Assert.Contains("\r\nContent-Type: video/mp2t\r\n", head, StringComparison.Ordinal);
        Assert.Contains("\r\nAccess-Control-Allow-Origin: *\r\n", head, StringComparison.Ordinal);
        Assert.Contains("\r\nDate: ", head, StringComparison.Ordinal);
        Assert.Equal(_file, Dechunk(body, out var ended));
        Assert.True(ended, "the body ends with the last chunk");
        var buffers = (ReleasingBlockPool)proxy.Services.GetRequiredService<DirectSendBuffers>().Pool;
        Assert.True(buffers.BlocksInUse + buffers.FreeBlocks > 0, "no write was kept: the client's pause did not fill the socket");
        await Eventually.HoldsAsync(() => buffers.BlocksInUse == 0, TimeSpan.FromSeconds(5), "the viewer's buffer went back to the pool");
    }

    [Fact]
    public async Task AnHttp10Request_IsAnsweredByKestrel_WithoutChunks()
    {
        await using var origin = await FileOriginAsync();
        await using var proxy = await ProxyHost.StartAsync();
        var url = new Uri(await proxy.StreamUrlAsync(origin.Url("/clip.ts")));

        using var socket = await RawHttp.SendGetAsync(url, "HTTP/1.0");
        var (head, body) = RawHttp.SplitHead(await RawHttp.ReadToEndAsync(socket));

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", head, StringComparison.Ordinal);
        Assert.DoesNotContain("Transfer-Encoding", head, StringComparison.Ordinal);
        Assert.Equal(_file, body);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task LiveDirectSend_DecidesWhetherTheConnectionCloses_TheBytesAreTheSame(bool direct)
    {
        await using var origin = await FileOriginAsync();
        await using var proxy = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["LIVE_DIRECT_SEND"] = direct ? "true" : "false" });
        using var client = new MediaClient();

        using var response = await client.OpenAsync(await proxy.StreamUrlAsync(origin.Url("/clip.ts")), cancellationToken: TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.True(response.Headers.TransferEncodingChunked);
        Assert.Equal(direct, response.Headers.ConnectionClose == true);
        Assert.Equal(_file, body);
    }

    [Fact]
    public async Task AHeaderKestrelWouldRefuse_KeepsKestrelsPipe_AndNothingIsWritten()
    {
        var (server, peer) = await SocketPairAsync();
        using (server)
        using (peer)
        {
            var context = ContextOn(server);
            context.Response.Headers["X-Note"] = "line\r\nInjected: yes";

            Assert.Null(DirectChunkedResponse.TryStart(context, new DirectSendBuffers(new ReleasingBlockPool(DirectSendBuffers.BufferSize))));
            await Task.Delay(100, TestContext.Current.CancellationToken);
            Assert.Equal(0, peer.Available);
        }
    }

    [Fact]
    public async Task WritesTheSocketRefused_AreKeptAndFlushed_InOrder()
    {
        var (server, peer) = await SocketPairAsync();
        using (server)
        using (peer)
        {
            using var pool = new ReleasingBlockPool(DirectSendBuffers.BufferSize);
            var context = ContextOn(server);
            context.Response.Headers.ContentType = "video/mp2t";
            using var response = DirectChunkedResponse.TryStart(context, new DirectSendBuffers(pool))!;
            Assert.NotNull(response);

            // A chunk is more than the two small socket buffers take: the rest is kept, then flushed
            // while the peer reads.
            var pieces = Enumerable.Range(0, 64).Select(i => _file.AsMemory(i * 65_424 % (_file.Length - 65_424), 65_424)).ToArray();
            response.Write(pieces[0]);
            Assert.Equal(1, pool.BlocksInUse);
            var reading = RawHttp.ReadToEndAsync(peer);
            Assert.True(await response.FlushAsync(TestContext.Current.CancellationToken));
            foreach (var piece in pieces[1..])
            {
                response.Write(piece);
                Assert.True(await response.FlushAsync(TestContext.Current.CancellationToken));
            }

            await response.EndAsync(TimeSpan.Zero, TestContext.Current.CancellationToken);
            server.Shutdown(SocketShutdown.Both);
            var (head, body) = RawHttp.SplitHead(await reading);

            Assert.Contains("\r\nContent-Type: video/mp2t\r\n", head, StringComparison.Ordinal);
            Assert.Equal(pieces.SelectMany(p => p.ToArray()).ToArray(), Dechunk(body, out var ended));
            Assert.True(ended);
        }
    }

    private static async Task<FakeOrigin> FileOriginAsync()
    {
        var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddFile("/clip.ts", _file, "video/mp2t");
        return origin;
    }

    private static DefaultHttpContext ContextOn(Socket socket)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Protocol = "HTTP/1.1";
        context.Features.Set<IConnectionSocketFeature>(new SocketFeature(socket));
        return context;
    }

    private static async Task<(Socket Server, Socket Peer)> SocketPairAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var peer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await peer.ConnectAsync(listener.LocalEndPoint!, TestContext.Current.CancellationToken);
        var server = await listener.AcceptAsync(TestContext.Current.CancellationToken);
        server.SendBufferSize = 4096;
        return (server, peer);
    }

    private static byte[] Dechunk(byte[] body, out bool ended)
    {
        var data = new MemoryStream();
        var position = 0;
        ended = false;
        while (position < body.Length)
        {
            var lineEnd = body.AsSpan(position).IndexOf("\r\n"u8);
            Assert.True(lineEnd > 0, $"a chunk size line at {position}");
            var size = Convert.ToInt32(Encoding.ASCII.GetString(body, position, lineEnd), 16);
            position += lineEnd + 2;
            if (size == 0)
            {
                Assert.Equal("\r\n", Encoding.ASCII.GetString(body, position, body.Length - position));
                ended = true;
                break;
            }

            data.Write(body, position, size);
            position += size;
            Assert.Equal("\r\n", Encoding.ASCII.GetString(body, position, 2));
            position += 2;
        }

        return data.ToArray();
    }

    private sealed class SocketFeature(Socket socket) : IConnectionSocketFeature
    {
        public Socket Socket => socket;
    }
}
