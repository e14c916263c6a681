using System.Collections.Concurrent;
using M3uProxy.Edge.Clients;
using M3uProxy.Edge.Configuration;
using M3uProxy.Edge.Http;
using M3uProxy.Edge.Metrics;
using M3uProxy.Edge.Streams;
using M3uProxy.Edge.Upstream;

namespace M3uProxy.Edge.Playback;

/// <summary>
/// Serves a VOD (or raw HLS) request with its own upstream request: the client's Range passes
/// through (206/416/Content-Range/Content-Length as the origin answers), bytes are copied as
/// they come, and an upstream that drops mid-body is resumed with a Range from the exact byte
/// reached, never past the end of the range asked for. A newer request of the same client for
/// the same stream supersedes this one (Kodi's overlapping seeks on a one-connection line).
/// </summary>
internal sealed partial class VodDelivery
{
    private readonly ConcurrentDictionary<(string Client, string Stream), CancellationTokenSource> _active = new();
    private readonly UpstreamClient _upstream;
    private readonly ViewerWatchdog _watchdog;
    private readonly TimeProvider _time;
    private readonly ILogger<VodDelivery> _logger;
    private readonly int _resumeAttempts;

    private readonly ProxyMetrics _metrics;

    public VodDelivery(UpstreamClient upstream, ViewerWatchdog watchdog, ProxySettings settings, TimeProvider time, ILogger<VodDelivery> logger, ProxyMetrics metrics)
    {
        _metrics = metrics;
        _upstream = upstream;
        _watchdog = watchdog;
        _time = time;
        _logger = logger;
        _resumeAttempts = settings.VodResumeAttempts;
    }

    public async Task ServeAsync(HttpContext context, StreamRecord stream, ClientRecord client, CancellationToken cancellationToken)
    {
        using var session = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var key = (client.ClientId, stream.Id);
        if (_active.TryGetValue(key, out var older))
        {
            older.Cancel();
        }

        _active[key] = session;
        try
        {
            await ProxyAsync(context, stream, client, session.Token);
        }
        catch (OperationCanceledException) when (session.IsCancellationRequested)
        {
            if (!cancellationToken.IsCancellationRequested)
            {
                // Superseded by a newer request of the same client: close this one.
                Log.Superseded(_logger, client.ClientId, stream.Id);
                context.Abort();
            }
        }
        finally
        {
            _active.TryRemove(new KeyValuePair<(string, string), CancellationTokenSource>(key, session));
        }
    }

    private async Task ProxyAsync(HttpContext context, StreamRecord stream, ClientRecord client, CancellationToken cancellationToken)
    {
        var definition = stream.Definition;
        var url = stream.EffectiveUrl;
        var clientRange = ContentRange.SingleRangeOf(context.Request);
        UpstreamResponse upstream;
        try
        {
            upstream = await _upstream.SendAsync(new UpstreamRequest(url, definition.UserAgent, definition.Headers, clientRange), cancellationToken);
        }
        catch (UpstreamException exception)
        {
            stream.AddError();
            _metrics.UpstreamError(exception.Failure.ToString());
            await UpstreamErrorResult.WriteAsync(context.Response, exception);
            return;
        }

        var response = context.Response;
        using (upstream)
        {
            if (upstream.StatusCode == StatusCodes.Status416RangeNotSatisfiable)
            {
                PlaybackHeaders.Apply(response, MediaContentType.Resolve(url, upstream.ContentType), acceptRanges: true);
                response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
                CopyHeader(upstream, response, "Content-Range");
                return;
            }

            var partial = clientRange is not null && upstream.StatusCode == StatusCodes.Status206PartialContent;
            response.StatusCode = partial ? StatusCodes.Status206PartialContent : StatusCodes.Status200OK;
            PlaybackHeaders.Apply(response, MediaContentType.Resolve(url, upstream.ContentType), acceptRanges: true);
            CopyHeader(upstream, response, "Last-Modified");
            if (partial)
            {
                CopyHeader(upstream, response, "Content-Range");
            }

            // What this response covers, in absolute bytes of the file, so a resume asks for exactly the rest.
            long first = 0;
            long? last = upstream.ContentLength is { } length ? length - 1 : null;
            if (upstream.StatusCode == StatusCodes.Status206PartialContent && ContentRange.TryParse(upstream.Message.Content.Headers.ContentRange?.ToString(), out var range))
            {
                (first, last) = (range.First, range.Last);
            }

            if (upstream.ContentLength is { } contentLength)
            {
                response.ContentLength = contentLength;
            }

            var resumable = upstream.StatusCode == StatusCodes.Status206PartialContent
                || upstream.Message.Headers.AcceptRanges.Contains("bytes");
            await CopyWithResumeAsync(context, upstream, url, definition, first, last, resumable, stream, client, cancellationToken);
        }
    }

    private async Task CopyWithResumeAsync(
        HttpContext context, UpstreamResponse first, string url, StreamDefinition definition, long start, long? last, bool resumable,
        StreamRecord stream, ClientRecord client, CancellationToken cancellationToken)
    {
        var expected = last is { } end ? end - start + 1 : (long?)null;
        long sent = 0;
        var attempts = 0;
        var current = first;
        var served = new ServedBytes(client, stream, _metrics, _time);
        var progress = _watchdog.Watch(context);
        try
        {
            while (true)
            {
                var copy = await BodyCopier.CopyAsync(current.Body, context.Response.Body, served, progress, cancellationToken);
                sent += copy.Bytes;
                if (copy.Result == CopyResult.Canceled)
                {
                    throw new OperationCanceledException(null, copy.Error, cancellationToken);
                }

                if (copy.Result == CopyResult.OutputError)
                {
                    copy.Report(context, _metrics);
                    return;
                }

                copy.Report(context, _metrics, abort: false); // an input error is counted here and resumed below
                if (expected is null ? copy.Result == CopyResult.Success : sent >= expected)
                {
                    return; // a clean end is the end: never retried
                }

                if (!resumable || expected is null || attempts >= _resumeAttempts)
                {
                    Log.Truncated(_logger, stream.Id, sent, expected);
                    context.Abort();
                    return;
                }

                attempts++;
                var resumeAt = start + sent;
                Log.Resuming(_logger, stream.Id, resumeAt, attempts);
                if (!ReferenceEquals(current, first))
                {
                    current.Dispose();
                }

                current = await ReopenAsync(url, definition, resumeAt, last!.Value, cancellationToken);
                if (current is null)
                {
                    context.Abort();
                    return;
                }
            }
        }
        finally
        {
            _watchdog.Forget(progress);
            if (!ReferenceEquals(current, first))
            {
                current?.Dispose();
            }
        }
    }

    /// <summary>Asks for <c>bytes=from-to</c>; null unless the upstream answers 206 starting exactly there.</summary>
    private async Task<UpstreamResponse?> ReopenAsync(string url, StreamDefinition definition, long from, long to, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _upstream.SendAsync(new UpstreamRequest(url, definition.UserAgent, definition.Headers, $"bytes={from}-{to}"), cancellationToken);
            if (response.StatusCode == StatusCodes.Status206PartialContent
                && ContentRange.TryParse(response.Message.Content.Headers.ContentRange?.ToString(), out var range)
                && range.First == from)
            {
                return response;
            }

            response.Dispose();
            return null;
        }
        catch (UpstreamException)
        {
            return null;
        }
    }

    private static void CopyHeader(UpstreamResponse upstream, HttpResponse response, string name)
    {
        if (upstream.Message.Content.Headers.TryGetValues(name, out var values) || upstream.Message.Headers.TryGetValues(name, out values))
        {
            response.Headers[name] = values.ToArray();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(320, LogLevel.Debug, "VOD {StreamId}: request of {ClientId} superseded by a newer one")]
        public static partial void Superseded(ILogger logger, string clientId, string streamId);

        [LoggerMessage(321, LogLevel.Information, "VOD {StreamId}: upstream dropped; resuming at byte {Position} (attempt {Attempt})")]
        public static partial void Resuming(ILogger logger, string streamId, long position, int attempt);

        [LoggerMessage(322, LogLevel.Warning, "VOD {StreamId}: upstream ended after {Sent} of {Expected} bytes; response truncated")]
        public static partial void Truncated(ILogger logger, string streamId, long sent, long? expected);
    }
}
