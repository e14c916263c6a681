using System.Buffers;
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;

namespace M3uProxy.Edge.Http;

/// <summary>
/// A continuous HTTP/1.1 response (200, chunked) written straight to the connection's socket instead
/// of through Kestrel's response pipe. Kestrel copies every byte into a pipe of its own and sends it
/// later from its I/O queue, so each byte was held twice (the shared fan-out chunk, then the pipe) and
/// every send was a hand-over to another thread. Here a write first tries a non-blocking send from the
/// caller's memory (the shared chunk itself: the kernel copies it during the call, nothing refers to
/// it afterwards); only what the socket's buffer could not take is copied into this response's own
/// buffer, and <see cref="FlushAsync"/> sends that. A slow viewer holds one chunk, as it held one in
/// Kestrel's pipe; a viewer that keeps up holds nothing.
/// <para>Kestrel never learns that the response started, so the connection ends with it
/// (<c>Connection: close</c>, and <see cref="Dispose"/> aborts it). Only plain HTTP/1.1 GETs on Kestrel's
/// socket transport qualify (<see cref="TryStart"/>); anything else keeps Kestrel's pipe.</para>
/// </summary>
internal sealed class DirectChunkedResponse : IDisposable
{
    /// <summary>
    /// What one thread may send before it yields. A send that never waits lets a download's loop (and
    /// its upstream pump, which runs inline for a lone viewer) keep a thread-pool thread for the whole
    /// response, and new connections waited seconds for a first byte (measured: 0.9–1.6 s p50 at 200
    /// downloads). Counted per thread, not per response, as the pump and the viewer share threads.
    /// </summary>
    private const int TurnBytes = 64 * 1024;

    /// <summary>Writes in a row that went out whole before a viewer's own buffer goes back to the pool.</summary>
    private const int KeepBufferWrites = 16;

    private static readonly byte[] _crlf = "\r\n"u8.ToArray();
    private static readonly byte[] _lastChunk = "0\r\n\r\n"u8.ToArray();

    [ThreadStatic]
    private static long _turnSent;

    private readonly HttpContext _context;
    private readonly Socket _socket;
    private readonly DirectSendBuffers _buffers;
    private readonly byte[] _chunkPrefix = new byte[10];
    private readonly ArraySegment<byte>[] _segments = new ArraySegment<byte>[3];
    private IMemoryOwner<byte>? _pendingOwner;
    private Memory<byte> _pending;
    private int _pendingLength;
    private int _writesWithoutBuffer;
    private int _written;
    private bool _failed;
    private bool _ended;

    private DirectChunkedResponse(HttpContext context, Socket socket, DirectSendBuffers buffers)
    {
        _context = context;
        _socket = socket;
        _buffers = buffers;
    }

    /// <summary>
    /// Starts the response on the socket: the status line, <paramref name="context"/>'s response
    /// headers, <c>Connection: close</c> and <c>Transfer-Encoding: chunked</c>. Null when the request
    /// must use Kestrel's pipe: not a plain HTTP/1.1 GET on a socket, a response that asks to keep the
    /// connection (strict live TS), or a header Kestrel would refuse.
    /// </summary>
    public static DirectChunkedResponse? TryStart(HttpContext context, DirectSendBuffers buffers)
    {
        if (!HttpMethods.IsGet(context.Request.Method)
            || !HttpProtocol.IsHttp11(context.Request.Protocol)
            || context.Request.IsHttps
            || context.Features.Get<ITlsConnectionFeature>() is not null
            || context.Response.HasStarted
            || context.Response.StatusCode != StatusCodes.Status200OK
            || context.Response.Headers.ContainsKey("Connection")
            || context.Features.Get<IConnectionSocketFeature>()?.Socket is not { Connected: true } socket)
        {
            return null;
        }

        var head = ResponseHead(context.Response.Headers);
        if (head is null)
        {
            return null;
        }

        // Writes try the socket once and keep the rest; the asynchronous sends are unaffected.
        socket.Blocking = false;
        var response = new DirectChunkedResponse(context, socket, buffers);
        response.Write(head, chunked: false);
        return response;
    }

    /// <summary>
    /// Sends <paramref name="data"/> as one HTTP chunk as far as the socket takes it now; the rest is
    /// copied and goes out with <see cref="FlushAsync"/>. <paramref name="data"/> is not used after this returns.
    /// </summary>
    public void Write(ReadOnlyMemory<byte> data) => Write(data, chunked: true);

    /// <summary>
    /// Sends what <see cref="Write(ReadOnlyMemory{byte})"/> kept; false when the viewer is gone. When
    /// everything went out at once, the thread is given back every <see cref="TurnBytes"/> instead.
    /// </summary>
    // Pooled builder: this awaits once per turn or full socket, and a state machine allocated each
    // time was nearly all a download allocated per chunk (at 200 downloads gen0 grew 1.2-1.5 MB/s, uncollected).
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> FlushAsync(CancellationToken cancellationToken)
    {
        var written = _written;
        _written = 0;
        if (_pendingLength == 0)
        {
            if (UsedTurn(written))
            {
                await Task.Yield();
            }

            return !_failed;
        }

        if (!_failed)
        {
            try
            {
                await _socket.SendAsync(_pending[.._pendingLength], SocketFlags.None, cancellationToken);
            }
            catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
            {
                _failed = true;
            }
            catch (OperationCanceledException)
            {
                // Part of a chunk may have gone out: the body cannot end cleanly any more.
                _failed = true;
                throw;
            }
        }

        _pendingLength = 0;
        return !_failed;
    }

    /// <summary>
    /// Ends the body when the stream itself ended: the last chunk, the end of the connection's sending
    /// side, then a wait (at most <paramref name="linger"/>) for the client to close its own, having
    /// read everything: Kestrel closes an aborted connection with a reset, which would discard what the
    /// kernel has not delivered yet.
    /// </summary>
    public async ValueTask EndAsync(TimeSpan linger, CancellationToken cancellationToken)
    {
        if (_failed || _ended)
        {
            return;
        }

        _ended = true;
        Write(_lastChunk, chunked: false);
        if (!await FlushAsync(cancellationToken))
        {
            return;
        }

        // Nothing more is sent: the buffer need not wait for the client with the connection.
        ReturnBuffer();
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            return;
        }

        await Task.Delay(linger, _context.RequestAborted).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose()
    {
        // Kestrel believes the response has not started: closing the connection keeps it from answering again.
        _context.Abort();
        ReturnBuffer();
    }

    private void Write(ReadOnlyMemory<byte> data, bool chunked)
    {
        if (_failed || data.IsEmpty)
        {
            return;
        }

        _written += data.Length;
        var prefixLength = chunked ? WriteChunkPrefix(data.Length) : 0;
        var suffix = chunked ? _crlf : [];
        var sent = 0;
        if (_pendingLength == 0 && MemoryMarshal.TryGetArray(data, out var body))
        {
            _segments[0] = new ArraySegment<byte>(_chunkPrefix, 0, prefixLength);
            _segments[1] = body;
            _segments[2] = new ArraySegment<byte>(suffix);
            if (!TrySend(out sent))
            {
                _failed = true;
                return;
            }
        }

        var total = prefixLength + data.Length + suffix.Length;
        if (sent == total)
        {
            if (!_pending.IsEmpty && ++_writesWithoutBuffer >= KeepBufferWrites)
            {
                ReturnBuffer();
            }

            return;
        }

        _writesWithoutBuffer = 0;
        Keep(_chunkPrefix.AsSpan(0, prefixLength), ref sent);
        Keep(data.Span, ref sent);
        Keep(suffix, ref sent);
    }

    // One non-blocking sendmsg of the three segments; false when the connection is gone.
    private bool TrySend(out int sent)
    {
        try
        {
            sent = _socket.Send(_segments, SocketFlags.None, out var error);
            return error is SocketError.Success or SocketError.WouldBlock;
        }
        catch (ObjectDisposedException)
        {
            sent = 0;
            return false;
        }
    }

    // Copies the part of `piece` not yet sent (`skip`: the bytes of this piece and the ones after it that went out).
    private void Keep(ReadOnlySpan<byte> piece, ref int skip)
    {
        var from = Math.Min(skip, piece.Length);
        skip -= from;
        var rest = piece[from..];
        if (rest.IsEmpty)
        {
            return;
        }

        var needed = _pendingLength + rest.Length;
        if (_pending.Length < needed)
        {
            // A pool block holds a chunk with its framing; only a head that did not go out at once
            // with the first chunk behind it needs more, once.
            var bigger = needed <= DirectSendBuffers.BufferSize ? _buffers.Pool.Rent(DirectSendBuffers.BufferSize) : null;
            var memory = bigger?.Memory ?? new byte[needed];
            _pending[.._pendingLength].CopyTo(memory);
            var length = _pendingLength;
            ReturnBuffer();
            (_pendingOwner, _pending, _pendingLength) = (bigger, memory, length);
        }

        rest.CopyTo(_pending.Span[_pendingLength..]);
        _pendingLength += rest.Length;
    }

    private void ReturnBuffer()
    {
        _pendingOwner?.Dispose();
        _pendingOwner = null;
        _pending = default;
        _pendingLength = 0;
        _writesWithoutBuffer = 0;
    }

    private static bool UsedTurn(int bytes)
    {
        _turnSent += bytes;
        if (_turnSent < TurnBytes)
        {
            return false;
        }

        _turnSent = 0;
        return true;
    }

    private int WriteChunkPrefix(int length)
    {
        length.TryFormat(_chunkPrefix, out var written, "x", CultureInfo.InvariantCulture);
        _chunkPrefix[written] = (byte)'\r';
        _chunkPrefix[written + 1] = (byte)'\n';
        return written + 2;
    }

    // The status line and headers as Kestrel writes them, or null when a name or value holds a
    // character Kestrel refuses (a control character or a non-ASCII one).
    private static byte[]? ResponseHead(IHeaderDictionary headers)
    {
        var text = new StringBuilder("HTTP/1.1 200 OK\r\n");
        foreach (var (name, values) in headers)
        {
            if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (var value in values)
            {
                if (value is null || !IsHeaderText(name) || !IsHeaderText(value))
                {
                    return null;
                }

                text.Append(name).Append(": ").Append(value).Append("\r\n");
            }
        }

        text.Append("Date: ").Append(DateTimeOffset.UtcNow.ToString("r", CultureInfo.InvariantCulture)).Append("\r\n");
        // The connection ends with the response: said up front, so a client closes it once it has read it.
        text.Append("Connection: close\r\nTransfer-Encoding: chunked\r\n\r\n");
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    private static bool IsHeaderText(string value)
    {
        foreach (var c in value)
        {
            if (c is (< ' ' and not '\t') or > '~')
            {
                return false;
            }
        }

        return true;
    }
}
