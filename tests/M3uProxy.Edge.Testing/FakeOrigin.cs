using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace M3uProxy.Edge.Testing;

/// <summary>
/// A real HTTP(S) origin on 127.0.0.1:0 serving registered files, HLS folders and paced endless
/// live streams, with runtime-switchable fault injection and exact per-connection and per-path
/// counters. HTTP/1.1 only, so a drop or reset always hits the whole TCP connection.
/// </summary>
public sealed class FakeOrigin : IAsyncDisposable
{
    private const int FileChunkSize = 64 * 1024;
    // Lets Kestrel's send loop hand the last write to the kernel before a drop/reset tears the socket
    // down: its output pipe acknowledges writes before the socket has sent them.
    private static readonly TimeSpan _faultSettle = TimeSpan.FromMilliseconds(100);
    // How long a dropped connection waits for the client to close its side before aborting anyway.
    private static readonly TimeSpan _dropLinger = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan _stallPoll = TimeSpan.FromMilliseconds(20);

    private readonly ConcurrentDictionary<string, OriginResource> _resources = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, OriginBehavior> _behaviors = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, FailureBudget> _failures = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PathStatistics> _statistics = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Socket> _sockets = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _shutdown = new();
    private WebApplication? _app;
    private int _tcpConnectionsAccepted;
    private int _openConnections;
    private int _disposed;

    private FakeOrigin(X509Certificate2? certificate) => Certificate = certificate;

    /// <summary>The root, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The self-signed certificate served when started with HTTPS; trust exactly this one.</summary>
    public X509Certificate2? Certificate { get; }

    /// <summary>TCP connections accepted so far (not requests: keep-alive reuse does not count).</summary>
    public int TcpConnectionsAccepted => Volatile.Read(ref _tcpConnectionsAccepted);

    /// <summary>TCP connections currently open.</summary>
    public int OpenConnections => Volatile.Read(ref _openConnections);

    public static async Task<FakeOrigin> StartAsync(bool https = false, CancellationToken cancellationToken = default)
    {
        var origin = new FakeOrigin(https ? SelfSignedCertificate.Create() : null);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options =>
        {
            options.AddServerHeader = false;
            // A proxy under test may apply backpressure; Kestrel must not kill slow readers on its own.
            options.Limits.MinResponseDataRate = null;
            options.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                // Registered before TLS so it sees raw TCP connections.
                listen.Use(next => connection => origin.TrackConnectionAsync(connection, next));
                if (origin.Certificate is not null)
                {
                    listen.UseHttps(origin.Certificate);
                }
            });
        });
        var app = builder.Build();
        app.Run(origin.HandleAsync);
        origin._app = app;
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        origin.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return origin;
    }

    /// <summary>Absolute URL of a path (which may carry a query) on this origin.</summary>
    public string Url(string path) => BaseAddress.AbsoluteUri + path.TrimStart('/');

    /// <summary>A static file with single-range support (200/206/416) and HEAD.</summary>
    public void AddFile(string path, byte[] content, string contentType, OriginBehavior? behavior = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        Register(path, new OriginResource(content, contentType, IsLive: false, BytesPerSecond: 0, ChunkSize: FileChunkSize), behavior);
    }

    /// <summary>A hand-written body, e.g. a playlist.</summary>
    public void AddText(string path, string body, string contentType, OriginBehavior? behavior = null)
        => AddFile(path, Encoding.UTF8.GetBytes(body), contentType, behavior);

    /// <summary>
    /// An endless chunked stream looping <paramref name="loopSource"/>, paced to
    /// <paramref name="bytesPerSecond"/> (0 = as fast as possible), until the client leaves or the
    /// origin is disposed. Keep <paramref name="chunkSize"/> a multiple of 188 for whole TS packets.
    /// </summary>
    public void AddLive(string path, byte[] loopSource, int bytesPerSecond, int chunkSize = TsPacketFactory.PacketSize * 7 * 4, string contentType = "video/mp2t", OriginBehavior? behavior = null)
    {
        ArgumentNullException.ThrowIfNull(loopSource);
        ArgumentOutOfRangeException.ThrowIfZero(loopSource.Length);
        ArgumentOutOfRangeException.ThrowIfNegative(bytesPerSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkSize);
        Register(path, new OriginResource(loopSource, contentType, IsLive: true, bytesPerSecond, chunkSize), behavior);
    }

    /// <summary>Every file of an ffmpeg HLS folder under <c>prefix/</c>.</summary>
    public void AddHls(string prefix, string folder)
    {
        var root = prefix.TrimEnd('/');
        foreach (var file in Directory.EnumerateFiles(folder))
        {
            AddFile($"{root}/{Path.GetFileName(file)}", File.ReadAllBytes(file), ContentTypeOf(file));
        }
    }

    /// <summary>Stops serving a path (it answers 404); counters are kept.</summary>
    public void Remove(string path) => _resources.TryRemove(Normalize(path), out _);

    /// <summary>
    /// Replaces a path's faults. New requests see it at once; responses already streaming re-read the
    /// body faults before every chunk, so a healthy live stream can be made to drop, stall or reset
    /// mid-flight (a limit already passed fires immediately) and a stall can be lifted.
    /// </summary>
    public void SetBehavior(string path, OriginBehavior behavior)
    {
        ArgumentNullException.ThrowIfNull(behavior);
        _behaviors[Normalize(path)] = behavior;
    }

    /// <summary>Answers the next <paramref name="count"/> requests to the path with <paramref name="statusCode"/>, then recovers.</summary>
    public void FailNextRequests(string path, int count, int statusCode = StatusCodes.Status500InternalServerError)
        => _failures[Normalize(path)] = new FailureBudget(count, statusCode);

    public int RequestCount(string path) => _statistics.TryGetValue(Normalize(path), out var stats) ? stats.RequestCount : 0;

    /// <summary>Requests to the path (query ignored when matching), in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests(string path) => _statistics.TryGetValue(Normalize(path), out var stats) ? stats.Snapshot() : [];

    /// <summary>Content body bytes handed to the connection for the path (injected error bodies excluded).</summary>
    public long BytesSent(string path) => _statistics.TryGetValue(Normalize(path), out var stats) ? stats.BytesSent : 0;

    /// <summary>Waits until exactly <paramref name="expected"/> TCP connections are open.</summary>
    /// <exception cref="TimeoutException">They were not within <paramref name="timeout"/>.</exception>
    public Task WaitForOpenConnectionsAsync(int expected, TimeSpan timeout, CancellationToken cancellationToken = default)
        => WaitUntilAsync(() => OpenConnections == expected, timeout, () => $"expected {expected} open connections, still {OpenConnections}", cancellationToken);

    /// <summary>Waits until the path has received at least <paramref name="expected"/> requests.</summary>
    /// <exception cref="TimeoutException">It had not within <paramref name="timeout"/>.</exception>
    public Task WaitForRequestCountAsync(string path, int expected, TimeSpan timeout, CancellationToken cancellationToken = default)
        => WaitUntilAsync(() => RequestCount(path) >= expected, timeout, () => $"expected {expected} requests to {path}, got {RequestCount(path)}", cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        // Ends live and stalled bodies first so Kestrel's graceful stop has nothing to wait for.
        await _shutdown.CancelAsync();
        if (_app is not null)
        {
            using var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _app.StopAsync(stopTimeout.Token);
            }
            catch (OperationCanceledException)
            {
                // Past the deadline Kestrel has aborted whatever was left; disposal must not fail a test.
            }

            await _app.DisposeAsync();
        }

        _shutdown.Dispose();
        Certificate?.Dispose();
    }

    private static string Normalize(string path) => path.StartsWith('/') ? path : "/" + path;

    private static string ContentTypeOf(string file) => Path.GetExtension(file).ToUpperInvariant() switch
    {
        ".M3U8" => "application/vnd.apple.mpegurl",
        ".TS" => "video/mp2t",
        ".M4S" or ".MP4" => "video/mp4",
        ".AAC" => "audio/aac",
        _ => "application/octet-stream",
    };

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> describe, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed >= timeout)
            {
                throw new TimeoutException($"{describe()} after {timeout}.");
            }

            await Task.Delay(10, cancellationToken);
        }
    }

    private static (OriginFault Fault, long Limit) NextFault(OriginBehavior behavior)
    {
        var fault = (Fault: OriginFault.None, Limit: long.MaxValue);
        // Ascending priority on ties: a later check wins with "<=".
        if (behavior.StallAfterBytes is { } stall && stall <= fault.Limit)
        {
            fault = (OriginFault.Stall, stall);
        }

        if (behavior.DropAfterBytes is { } drop && drop <= fault.Limit)
        {
            fault = (OriginFault.Drop, drop);
        }

        if (behavior.ResetAfterBytes is { } reset && reset <= fault.Limit)
        {
            fault = (OriginFault.Reset, reset);
        }

        return fault;
    }

    private static async Task WriteTextAsync(HttpContext context, int statusCode, string text, CancellationToken cancellationToken)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "text/plain; charset=utf-8";
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await context.Response.WriteAsync(text, cancellationToken);
        }
    }

    private static void CopyLoop(byte[] source, ref long position, Span<byte> destination)
    {
        var written = 0;
        while (written < destination.Length)
        {
            var offset = (int)(position % source.Length);
            var count = Math.Min(source.Length - offset, destination.Length - written);
            source.AsSpan(offset, count).CopyTo(destination[written..]);
            written += count;
            position += count;
        }
    }

    private void Register(string path, OriginResource resource, OriginBehavior? behavior)
    {
        var key = Normalize(path);
        _resources[key] = resource;
        if (behavior is not null)
        {
            _behaviors[key] = behavior;
        }
    }

    private OriginBehavior BehaviorOf(string path) => _behaviors.GetValueOrDefault(path) ?? OriginBehavior.Healthy;

    private async Task TrackConnectionAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        Interlocked.Increment(ref _tcpConnectionsAccepted);
        Interlocked.Increment(ref _openConnections);
        if (connection.Features.Get<IConnectionSocketFeature>()?.Socket is { } socket)
        {
            _sockets[connection.ConnectionId] = socket;
        }

        try
        {
            await next(connection);
        }
        finally
        {
            _sockets.TryRemove(connection.ConnectionId, out _);
            Interlocked.Decrement(ref _openConnections);
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value is { Length: > 0 } value ? value : "/";
        var stats = _statistics.GetOrAdd(path, _ => new PathStatistics());
        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        stats.Record(new RecordedRequest(request.Method, path, request.QueryString.Value ?? "", headers, DateTimeOffset.UtcNow, context.Connection.Id));

        using var aborted = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _shutdown.Token);
        var token = aborted.Token;
        try
        {
            var behavior = BehaviorOf(path);
            if (behavior.DelayBeforeHeaders > TimeSpan.Zero)
            {
                await Task.Delay(behavior.DelayBeforeHeaders, token);
            }

            if (_failures.TryGetValue(path, out var budget) && budget.TryConsume())
            {
                await WriteTextAsync(context, budget.StatusCode, $"fake origin: injected {budget.StatusCode}", token);
            }
            else if (behavior.StatusCode is { } status)
            {
                await WriteTextAsync(context, status, $"fake origin: injected {status}", token);
            }
            else if (behavior.RedirectTo is { } target)
            {
                context.Response.StatusCode = StatusCodes.Status302Found;
                context.Response.Headers.Location = Url(target);
            }
            else if (behavior.RequiredHeaders?.FirstOrDefault(h => request.Headers[h.Key].ToString() != h.Value) is { Key: not null } missing)
            {
                await WriteTextAsync(context, StatusCodes.Status403Forbidden, $"fake origin: header {missing.Key} missing or wrong", token);
            }
            else if (!_resources.TryGetValue(path, out var resource))
            {
                await WriteTextAsync(context, StatusCodes.Status404NotFound, "fake origin: no such resource", token);
            }
            else if (resource.IsLive)
            {
                context.Response.ContentType = resource.ContentType;
                await SendBodyAsync(context, path, stats, resource, offset: 0, count: long.MaxValue, token);
            }
            else
            {
                await ServeFileAsync(context, path, stats, resource, token);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The client left, or the origin is going away: then make that visible as a dead connection.
            if (_shutdown.IsCancellationRequested)
            {
                context.Abort();
            }
        }
        catch (IOException)
        {
            // The client went away mid-write.
        }
    }

    private async Task ServeFileAsync(HttpContext context, string path, PathStatistics stats, OriginResource resource, CancellationToken cancellationToken)
    {
        var response = context.Response;
        var length = resource.Content.LongLength;
        response.Headers.AcceptRanges = "bytes";
        response.ContentType = resource.ContentType;
        var range = ByteRange.Parse(context.Request.Headers.Range, length, out var satisfiable);
        if (!satisfiable)
        {
            response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
            response.Headers.ContentRange = $"bytes */{length}";
            response.ContentLength = 0;
            return;
        }

        var (offset, count) = (0L, length);
        if (range is { } r)
        {
            (offset, count) = (r.Start, r.Length);
            response.StatusCode = StatusCodes.Status206PartialContent;
            response.Headers.ContentRange = $"bytes {r.Start}-{r.End}/{length}";
        }

        response.ContentLength = count;
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        await SendBodyAsync(context, path, stats, resource, offset, count, cancellationToken);
    }

    /// <summary>Writes <paramref name="count"/> bytes from <paramref name="offset"/> (looping for live), applying body faults and pacing.</summary>
    private async Task SendBodyAsync(HttpContext context, string path, PathStatistics stats, OriginResource resource, long offset, long count, CancellationToken cancellationToken)
    {
        // StartAsync only buffers the headers; flush so a client sees them even if the body stalls at byte 0.
        var body = context.Response.Body;
        await context.Response.StartAsync(cancellationToken);
        await body.FlushAsync(cancellationToken);
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        var buffer = resource.IsLive ? new byte[resource.ChunkSize] : null;
        var position = offset;
        var sent = 0L;
        var clock = Stopwatch.StartNew();
        while (sent < count)
        {
            var (fault, limit) = NextFault(BehaviorOf(path));
            if (sent >= limit)
            {
                if (fault == OriginFault.Stall)
                {
                    // Polls so that lifting the stall with SetBehavior resumes the body.
                    await Task.Delay(_stallPoll, cancellationToken);
                    continue;
                }

                await body.FlushAsync(cancellationToken);
                await Task.Delay(_faultSettle, cancellationToken);
                if (fault == OriginFault.Reset)
                {
                    ResetConnection(context);
                }
                else
                {
                    await DropConnectionAsync(context, cancellationToken);
                }

                return;
            }

            var size = (int)Math.Min(Math.Min(resource.ChunkSize, count - sent), limit - sent);
            ReadOnlyMemory<byte> chunk;
            if (buffer is not null)
            {
                CopyLoop(resource.Content, ref position, buffer.AsSpan(0, size));
                chunk = buffer.AsMemory(0, size);
            }
            else
            {
                chunk = resource.Content.AsMemory((int)position, size);
                position += size;
            }

            await body.WriteAsync(chunk, cancellationToken);
            sent += size;
            stats.AddBytes(size);
            if (resource.IsLive && resource.BytesPerSecond > 0)
            {
                var due = TimeSpan.FromSeconds((double)sent / resource.BytesPerSecond) - clock.Elapsed;
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, cancellationToken);
                }
            }
        }
    }

    /// <summary>
    /// Half-closes the socket (FIN after the data already sent), waits for the client to close its side,
    /// then aborts the request. <see cref="HttpContext.Abort"/> alone is not a clean drop: Kestrel
    /// disposes the socket while its receive is pending, and .NET unblocks that receive in a way that
    /// sends an RST, which would make a drop indistinguishable from a reset.
    /// </summary>
    private async Task DropConnectionAsync(HttpContext context, CancellationToken cancellationToken)
    {
        if (_sockets.TryGetValue(context.Connection.Id, out var socket))
        {
            try
            {
                socket.Shutdown(SocketShutdown.Send);
                await Task.Delay(_dropLinger, cancellationToken);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // The client closed its side (the expected way out), or the connection is already gone.
            }
        }

        context.Abort();
    }

    /// <summary>
    /// Closes the socket with SO_LINGER {on, 0}: close(2) then discards unsent data and sends an RST
    /// instead of a FIN. Kestrel's own abort would shut the socket down gracefully (FIN) first, so the
    /// socket is closed here before Kestrel is told to abort the request.
    /// </summary>
    private void ResetConnection(HttpContext context)
    {
        if (_sockets.TryGetValue(context.Connection.Id, out var socket))
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close(0);
        }

        context.Abort();
    }
}
