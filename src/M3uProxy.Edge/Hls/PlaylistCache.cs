using System.Buffers;
using System.Collections.Concurrent;
using M3uProxy.Edge.Media.Hls;
using M3uProxy.Edge.Metrics;
using M3uProxy.Edge.Upstream;

namespace M3uProxy.Edge.Hls;

/// <summary>
/// Fetches upstream playlists with single flight and a short cache: concurrent requests for one
/// playlist (same URL, User-Agent and headers) share one upstream request, and a success is kept
/// for a fraction of its target duration, so 100 viewers of a live channel cost the provider
/// about one request per refresh. Failures are shared by the requests waiting for them but
/// never kept. A body that is not a playlist fails within a bounded time and is never passed on.
/// </summary>
internal sealed class PlaylistCache
{
    private const int MaxEntries = 4096;
    private static readonly TimeSpan _masterTtl = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan _endedTtl = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan _minimumTtl = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan _sweepInterval = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly UpstreamClient _upstream;
    private readonly TimeProvider _time;
    private readonly ProxyMetrics _metrics;
    private long _upstreamRequests;
    private long _lastSweepTicks;

    public PlaylistCache(UpstreamClient upstream, TimeProvider time, ProxyMetrics metrics)
    {
        _upstream = upstream;
        _time = time;
        _metrics = metrics;
    }

    /// <summary>Upstream playlist requests made so far (for tests and diagnostics).</summary>
    public long UpstreamRequests => Interlocked.Read(ref _upstreamRequests);

    /// <summary>Playlists held or being fetched.</summary>
    public int Count => _entries.Count;

    /// <summary>The playlist at <paramref name="url"/>; throws <see cref="PlaylistException"/>.</summary>
    public Task<UpstreamPlaylist> GetAsync(string url, string userAgent, IReadOnlyDictionary<string, string> headers, CancellationToken cancellationToken)
        => GetAsync(KeyOf(url, userAgent, headers), (Cache: this, Request: (url, userAgent, headers)), static s => s.Cache.FetchAsync(new UpstreamRequest(s.Request.url, s.Request.userAgent, s.Request.headers)), secondHand: false, cancellationToken);

    /// <summary>
    /// The playlist cached under <paramref name="key"/>, got by <paramref name="fetch"/> with the same
    /// single flight: for a playlist another instance of the cluster fetches upstream. Such a
    /// <paramref name="secondHand"/> copy (of an answer the owner may have held for half a target
    /// duration already) is kept half as long, so viewers here see a new segment about as soon.
    /// </summary>
    public async Task<UpstreamPlaylist> GetAsync<TState>(string key, TState state, Func<TState, Task<UpstreamPlaylist>> fetch, bool secondHand, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_entries.TryGetValue(key, out var entry))
            {
                if (!entry.Task.IsCompleted || entry.ExpiresAt > _time.GetUtcNow())
                {
                    return await entry.Task.WaitAsync(cancellationToken);
                }

                _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
            }

            var created = new Entry();
            if (_entries.TryAdd(key, created))
            {
                Prune();
                _ = RunAsync(key, created, state, fetch, secondHand);
                return await created.Task.WaitAsync(cancellationToken);
            }
        }
    }

    // Not cancelled by any one caller: others may be waiting for the same answer. Bounded by the
    // upstream client's header timeout and the body timeout.
    private async Task RunAsync<TState>(string key, Entry entry, TState state, Func<TState, Task<UpstreamPlaylist>> fetch, bool secondHand)
    {
        try
        {
            var playlist = await fetch(state);
            entry.ExpiresAt = _time.GetUtcNow() + (secondHand ? TimeToLive(playlist) / 2 : TimeToLive(playlist));
            entry.Completion.SetResult(playlist);
        }
        catch (Exception exception)
        {
            _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
            var failure = exception as PlaylistException ?? Unavailable("Error", null, exception);
            // Counted once per upstream request, however many players were waiting for it (the owner of a
            // relayed playlist counts its own).
            if (failure.Reason.StartsWith(PlaylistException.ReasonPrefix, StringComparison.Ordinal))
            {
                _metrics.UpstreamError(failure.Kind);
            }

            entry.Completion.SetException(failure);
        }
    }

    private static TimeSpan TimeToLive(UpstreamPlaylist playlist)
    {
        if (playlist.HasEnded)
        {
            return _endedTtl;
        }

        if (playlist.TargetDuration is { } target)
        {
            // Half a target duration: a player polls about once per target duration, and a new
            // segment is never more than half a refresh late.
            var half = target / 2;
            return half < _minimumTtl ? _minimumTtl : half;
        }

        return playlist.IsMaster ? _masterTtl : _minimumTtl;
    }

    private async Task<UpstreamPlaylist> FetchAsync(UpstreamRequest request)
    {
        Interlocked.Increment(ref _upstreamRequests);
        UpstreamResponse response;
        try
        {
            response = await _upstream.SendAsync(request, CancellationToken.None);
        }
        catch (UpstreamException exception)
        {
            throw Unavailable(exception.Failure.ToString(), exception.StatusCode, exception);
        }

        using (response)
        {
            if (response.StatusCode is < 200 or >= 300)
            {
                throw Unavailable("Status", response.StatusCode, null);
            }

            using var timeout = new CancellationTokenSource(HlsLimits.PlaylistBodyTimeout, _time);
            var bytes = await ReadBodyAsync(response.Body, timeout.Token);
            return new UpstreamPlaylist(bytes, response.FinalUrl.AbsoluteUri);
        }
    }

    /// <summary>A playlist body, bounded and checked as one (throws <see cref="PlaylistException"/>).</summary>
    internal static async Task<byte[]> ReadBodyAsync(Stream body, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        var length = 0;
        var sniffed = false;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length >= HlsLimits.MaxPlaylistBytes)
                    {
                        throw NotAPlaylist("TooLarge", $"Upstream playlist is larger than {HlsLimits.MaxPlaylistBytes / (1024 * 1024)} MiB");
                    }

                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, HlsLimits.MaxPlaylistBytes));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                int read;
                try
                {
                    read = await body.ReadAsync(buffer.AsMemory(length, Math.Min(buffer.Length, HlsLimits.MaxPlaylistBytes) - length), cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    throw NotAPlaylist("Timeout", $"Upstream playlist did not arrive within {HlsLimits.PlaylistBodyTimeout.TotalSeconds:0} s");
                }
                catch (Exception exception) when (exception is IOException or HttpRequestException)
                {
                    throw Unavailable("Read", null, exception);
                }

                length += read;
                // Judge the first bytes at once: a TS stream or an HTML page is not waited for.
                if (!sniffed && (length >= 64 || read == 0))
                {
                    sniffed = true;
                    if (!PlaylistSniffer.IsPlaylist(buffer.AsSpan(0, length)))
                    {
                        throw NotAPlaylist("NotAPlaylist", "Upstream did not answer with a playlist (no #EXTM3U)");
                    }
                }

                if (read == 0)
                {
                    break;
                }
            }

            var bytes = buffer.AsSpan(0, length);
            if (LongestLine(bytes) > HlsLimits.MaxLineBytes)
            {
                throw NotAPlaylist("LineTooLong", $"Upstream playlist has a line longer than {HlsLimits.MaxLineBytes / 1024} KiB");
            }

            return bytes.ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static int LongestLine(ReadOnlySpan<byte> bytes)
    {
        var longest = 0;
        while (!bytes.IsEmpty)
        {
            var end = bytes.IndexOfAny((byte)'\n', (byte)'\r');
            var line = end < 0 ? bytes.Length : end;
            longest = Math.Max(longest, line);
            bytes = end < 0 ? default : bytes[(end + 1)..];
        }

        return longest;
    }

    private static PlaylistException NotAPlaylist(string reason, string detail)
        => new(StatusCodes.Status502BadGateway, detail, PlaylistException.ReasonPrefix + reason);

    private static PlaylistException Unavailable(string reason, int? status, Exception? inner)
        => new(StatusCodes.Status503ServiceUnavailable, "Playlist not available", PlaylistException.ReasonPrefix + reason, status, inner);

    private static string KeyOf(string url, string userAgent, IReadOnlyDictionary<string, string> headers)
    {
        if (headers.Count == 0)
        {
            return url + "\n" + userAgent;
        }

        return url + "\n" + userAgent + "\n" + string.Join("\n", headers.OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => h.Key + ":" + h.Value));
    }

    // Expired copies go at least every sweep interval (a playlist nobody asks for again must not
    // stay in memory), and at once when there are many.
    private void Prune()
    {
        var now = _time.GetUtcNow();
        var lastSweep = new DateTimeOffset(Interlocked.Read(ref _lastSweepTicks), TimeSpan.Zero);
        if (_entries.Count <= MaxEntries && now - lastSweep < _sweepInterval)
        {
            return;
        }

        Interlocked.Exchange(ref _lastSweepTicks, now.UtcTicks);
        foreach (var (key, entry) in _entries)
        {
            if (entry.Task.IsCompleted && entry.ExpiresAt <= now)
            {
                _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
            }
        }
    }

    private sealed class Entry
    {
        public TaskCompletionSource<UpstreamPlaylist> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<UpstreamPlaylist> Task => Completion.Task;

        public DateTimeOffset ExpiresAt { get; set; }
    }
}
