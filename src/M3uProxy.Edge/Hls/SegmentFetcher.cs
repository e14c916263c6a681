using System.Buffers;
using System.Collections.Concurrent;
using M3uProxy.Edge.Configuration;
using M3uProxy.Edge.Metrics;
using M3uProxy.Edge.Upstream;

namespace M3uProxy.Edge.Hls;

/// <summary>
/// Fetches segments once for everybody: concurrent requests for one (URL, range) share one
/// upstream request (single flight), and the answer stays in the <see cref="SegmentCache"/> for
/// viewers a little behind. A segment larger than <see cref="HlsLimits.MaxSharedSegmentBytes"/>
/// is not held: the first caller streams it through, later ones fetch their own.
/// </summary>
internal sealed class SegmentFetcher
{
    // A segment body must arrive within this, so one stuck upstream cannot hold its waiters forever.
    private static readonly TimeSpan _bodyTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan _unclaimedGrace = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<SegmentKey, Task<SegmentFetch>> _inFlight = new();
    private readonly Func<UpstreamRequest, CancellationToken, Task<UpstreamResponse>> _upstreamSend;
    private readonly SegmentCache _cache;
    private readonly TimeProvider _time;
    private readonly ProxyMetrics _metrics;
    private long _upstreamRequests;

    public SegmentFetcher(UpstreamClient upstream, ProxySettings settings, TimeProvider time, ProxyMetrics metrics)
    {
        _time = time;
        _metrics = metrics;
        _cache = new SegmentCache(settings.HlsSegmentCacheBytes);
        _upstreamSend = upstream.SendAsync;
    }

    /// <summary>Upstream segment requests made so far (for tests and diagnostics).</summary>
    public long UpstreamRequests => Interlocked.Read(ref _upstreamRequests);

    public SegmentCache Cache => _cache;

    public Task<SegmentFetch> FetchAsync(SegmentKey key, string userAgent, IReadOnlyDictionary<string, string> headers, CancellationToken cancellationToken)
        => FetchAsync(key, userAgent, headers, send: null, cancellationToken);

    /// <param name="key">The segment's URL and range.</param>
    /// <param name="userAgent">The stream's User-Agent.</param>
    /// <param name="headers">The stream's custom headers.</param>
    /// <param name="send">Who answers instead of the upstream (in a cluster, the instance that fetches the stream's upstream); null: the upstream.</param>
    /// <param name="cancellationToken">This caller's cancellation (the shared fetch goes on for the others).</param>
    public async Task<SegmentFetch> FetchAsync(SegmentKey key, string userAgent, IReadOnlyDictionary<string, string> headers, Func<UpstreamRequest, CancellationToken, Task<UpstreamResponse>>? send, CancellationToken cancellationToken)
    {
        if (_cache.TryGet(key, out var cached))
        {
            return SegmentFetch.Shared(cached);
        }

        send ??= _upstreamSend;
        var request = new UpstreamRequest(key.Url, userAgent, headers, key.Range);
        var lead = new TaskCompletionSource<SegmentFetch>(TaskCreationOptions.RunContinuationsAsynchronously);
        var shared = _inFlight.GetOrAdd(key, lead.Task);
        if (shared == lead.Task)
        {
            _ = LeadAsync(key, request, send, lead);
        }

        var fetch = await shared.WaitAsync(cancellationToken);
        if (!fetch.IsStreamed)
        {
            return fetch;
        }

        if (fetch.TryClaim(out var response))
        {
            return SegmentFetch.Streamed(response, fetch.Prefix, fetch.PrefixLength);
        }

        // Someone else streams that large segment: fetch our own copy.
        return await FetchAloneAsync(request, send, cancellationToken);
    }

    private async Task LeadAsync(SegmentKey key, UpstreamRequest request, Func<UpstreamRequest, CancellationToken, Task<UpstreamResponse>> send, TaskCompletionSource<SegmentFetch> lead)
    {
        SegmentFetch result;
        try
        {
            result = await FetchAloneAsync(request, send, CancellationToken.None);
            if (result.Segment is { } segment && segment.StatusCode is >= 200 and < 300)
            {
                _cache.Add(key, segment);
            }
        }
        catch (Exception exception)
        {
            result = Counted(SegmentFetch.Failed(exception as UpstreamException ?? new UpstreamException(UpstreamFailure.Read, "Upstream segment failed", inner: exception)));
        }

        _inFlight.TryRemove(new KeyValuePair<SegmentKey, Task<SegmentFetch>>(key, lead.Task));
        lead.SetResult(result);
        if (result.IsStreamed)
        {
            // Waiters claim at once; if all of them gave up, the upstream connection must not stay open.
            await Task.Delay(_unclaimedGrace, _time);
            result.ReleaseIfUnclaimed();
        }
    }

    private async Task<SegmentFetch> FetchAloneAsync(UpstreamRequest request, Func<UpstreamRequest, CancellationToken, Task<UpstreamResponse>> send, CancellationToken cancellationToken)
        => Counted(await FetchOnceAsync(request, send, cancellationToken));

    // One upstream request, one error at most in the metrics, however many players share its answer.
    private SegmentFetch Counted(SegmentFetch fetch)
    {
        if (fetch.Error is { } error)
        {
            _metrics.UpstreamError(error.Failure.ToString());
        }

        return fetch;
    }

    private async Task<SegmentFetch> FetchOnceAsync(UpstreamRequest request, Func<UpstreamRequest, CancellationToken, Task<UpstreamResponse>> send, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _upstreamRequests);
        UpstreamResponse response;
        try
        {
            response = await send(request, cancellationToken);
        }
        catch (UpstreamException exception)
        {
            return SegmentFetch.Failed(exception);
        }

        if (response.ContentLength is > HlsLimits.MaxSharedSegmentBytes)
        {
            return SegmentFetch.Streamed(response, null, 0);
        }

        var keep = false;
        var buffer = ArrayPool<byte>.Shared.Rent((int)(response.ContentLength ?? 64 * 1024) is var size and > 0 ? size : 1);
        var length = 0;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_bodyTimeout);
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length >= HlsLimits.MaxSharedSegmentBytes)
                    {
                        keep = true; // too large to share: the caller streams the rest
                        return SegmentFetch.Streamed(response, buffer, length);
                    }

                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, HlsLimits.MaxSharedSegmentBytes));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await response.Body.ReadAsync(buffer.AsMemory(length, Math.Min(buffer.Length, HlsLimits.MaxSharedSegmentBytes) - length), timeout.Token);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }

            if (response.ContentLength is { } expected && expected != length)
            {
                return SegmentFetch.Failed(new UpstreamException(UpstreamFailure.Read, $"Upstream segment ended after {length} of {expected} bytes", response.StatusCode));
            }

            var headers = response.Message.Content.Headers;
            return SegmentFetch.Shared(new SharedSegment(response.StatusCode, headers.ContentType?.ToString(), headers.ContentRange?.ToString(), buffer.AsSpan(0, length).ToArray()));
        }
        catch (Exception exception) when (exception is IOException or HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return SegmentFetch.Failed(new UpstreamException(UpstreamFailure.Read, "Upstream segment broke off", response.StatusCode, exception));
        }
        finally
        {
            if (!keep)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                response.Dispose();
            }
        }
    }
}
