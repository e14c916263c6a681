using M3uProxy.Edge.FanOut;
using M3uProxy.Edge.Streams;
using M3uProxy.Edge.Upstream;

namespace M3uProxy.Edge.Failover;

/// <summary>
/// The retry and failover state machine of one live stream (connecting → streaming → retrying →
/// failing over → failed), as the <see cref="IChannelSource"/> of its channel, so every viewer of
/// the fan-out follows it. Per outage (from the first error, not from the start of the request):
/// up to <c>STREAM_RETRY_ATTEMPTS</c> retries of the same URL within <c>STREAM_TOTAL_TIMEOUT</c>,
/// then one advance along the ring (or the resolver), until a full round found nothing working.
/// A stall is a failure after <c>LIVE_CHUNK_TIMEOUT_SECONDS</c> (once data flowed on a stream with
/// failover, after <c>STREAM_STALL_FAILOVER_SECONDS</c>, and it fails over at once); in strict mode after the circuit
/// breaker's timeout, and the URL cools down. A switch made elsewhere (manual failover) ends the
/// current source at once and is followed without counting as a failure.
/// </summary>
internal sealed partial class FailoverChannelSource : IChannelSource
{
    private readonly Action _switchCurrent;
    private readonly StreamRecord _stream;
    private readonly StreamSources _sources;
    private readonly FailoverCoordinator _coordinator;
    private readonly UpstreamClient _upstream;
    private readonly RetryPolicy _policy;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private SupervisedByteSource? _current;
    private long _openedVersion;
    private string _openedUrl = "";
    private int _retries;
    private int _failovers;
    private long? _outageStarted;
    private int? _lastStatus;

    public FailoverChannelSource(StreamRecord stream, StreamSources sources, FailoverCoordinator coordinator, UpstreamClient upstream, RetryPolicy policy, TimeProvider time, ILogger logger)
    {
        _stream = stream;
        _sources = sources;
        _coordinator = coordinator;
        _upstream = upstream;
        _policy = policy;
        _time = time;
        _logger = logger;
        _switchCurrent = () => Volatile.Read(ref _current)?.Switch();
        _sources.OnSwitched(_switchCurrent);
    }

    public SourceState State
    {
        get;
        private set
        {
            field = value;
            _sources.SetState(value);
        }
    }

    public Exception? LastError { get; private set; }

    public async ValueTask<IByteSource?> OpenNextAsync(SourceStop? previous, CancellationToken cancellationToken)
    {
        if (previous is not null && !await AfterStopAsync(previous, cancellationToken))
        {
            return null;
        }

        if (previous is null && _policy.CircuitBreaker && _stream.Definition.HasFailover && _sources.IsCoolingDown(_sources.CurrentUrl))
        {
            // Strict mode: the current URL tripped the breaker recently; do not start on it.
            await _coordinator.AdvanceAsync(_stream, _sources.Version, "circuit_breaker_bad_upstream", _lastStatus, cancellationToken);
        }

        while (true)
        {
            State = SourceState.Connecting;
            var version = _sources.Version;
            var url = _sources.CurrentUrl;
            var definition = _stream.Definition;
            try
            {
                var response = await _upstream.SendAsync(new UpstreamRequest(url, definition.UserAgent, definition.Headers), cancellationToken);
                if (PageDetection.IsPageType(response.ContentType))
                {
                    var (status, type) = (response.StatusCode, response.ContentType);
                    response.Dispose();
                    throw new UpstreamException(UpstreamFailure.NotMedia, $"Upstream answered {status} with {type}, not media", status, contentType: type);
                }

                // With somewhere to fail over to, a source that stalls after data has flowed is given up sooner.
                var flowingStall = definition.HasFailover ? _policy.StallFailover : TimeSpan.Zero;
                var source = new SupervisedByteSource(response, _policy.StallTimeout, _time, cancellationToken, flowingStall);
                (_openedVersion, _openedUrl) = (version, url);
                if (definition.UseStickySession && response.FinalUrl.AbsoluteUri != url)
                {
                    _sources.Stick(response.FinalUrl.AbsoluteUri); // stay on the backend the redirect chose (seed-spec §7.5)
                }

                Volatile.Write(ref _current, source);
                if (_sources.Version != version)
                {
                    source.Switch(); // a failover raced the connect: the pump moves on at once
                }

                State = SourceState.Streaming;
                return source;
            }
            catch (UpstreamException exception)
            {
                _stream.AddError();
                LastError = exception;
                _lastStatus = exception.StatusCode;
                Log.ConnectFailed(_logger, _stream.Id, UrlMasking.Mask(url), exception.StatusCode ?? 0, exception.ContentType ?? "none", UrlMasking.MaskText(exception.Message));
                var next = exception.IsPermanent
                    ? await AfterPermanentFailureAsync(version, exception.Failure == UpstreamFailure.NotMedia ? "stream_error_NotMedia" : "stream_error_HTTPStatusError", exception, cancellationToken)
                    : await AfterFailureAsync(version, url, exception.Failure == UpstreamFailure.Status ? "stream_error_HTTPStatusError_after_retries" : "connection_error_after_retries", exception, cancellationToken);
                if (!next)
                {
                    return null;
                }
            }
        }
    }

    public void Dispose()
    {
        _sources.RemoveOnSwitched(_switchCurrent);
        if (State != SourceState.Failed)
        {
            _sources.SetState(null); // the channel ended without failing: no source runs
        }
    }

    /// <summary>The streaming source stopped: follow a switch, end at a clean end of a file, or handle a failure.</summary>
    private async Task<bool> AfterStopAsync(SourceStop stop, CancellationToken cancellationToken)
    {
        var source = Interlocked.Exchange(ref _current, null);
        if (_sources.Version != _openedVersion)
        {
            StartNewOutage();
            return true; // switched elsewhere (manual failover): go to the new current source
        }

        if (stop.Kind == SourceStopKind.Ended && source is not null && source.IsCompleteFile)
        {
            Log.FileEnded(_logger, _stream.Id);
            return false; // a finite file delivered every byte: that is the end, never retried
        }

        if (source?.FirstDataTimestamp is { } first && _time.GetElapsedTime(first) >= RetryPolicy.RecoveredAfter)
        {
            StartNewOutage(); // it streamed well for a while: this failure opens a new outage
        }

        if (stop.Error is NotMediaException notMedia)
        {
            _lastStatus = notMedia.StatusCode;
            return await AfterPermanentFailureAsync(_openedVersion, "stream_error_NotMedia", stop.Error, cancellationToken);
        }

        if (stop.Error is StallException && _policy.CircuitBreaker)
        {
            _coordinator.RecordUpstreamError(stop.Error);
            _sources.CoolDown(_openedUrl, _policy.Cooldown);
            return await FailOverAsync(_openedVersion, "circuit_breaker_timeout", stop.Error, "circuit_breaker_timeout", cancellationToken);
        }

        if ((IsYoung(source) || stop.Error is StallException) && _stream.Definition.HasFailover && CanFailOver())
        {
            // A connection that dies young is a flapping source: a same-URL retry would only look like
            // a recovery for a few seconds. Fail over at once, as the reference does on a live end;
            // a stall too (the reference's chunk timeout ends in a failover as well): the viewer's
            // picture is frozen while a same-URL retry waits.
            _coordinator.RecordUpstreamError(stop.Error);
            if (_sources.TryRecoverSticky(_openedVersion))
            {
                _retries = 0;
                return true; // sticky session: the entry URL first, it may lead to another backend
            }

            var youngReason = stop switch
            {
                { Kind: SourceStopKind.Ended } => "live_stream_silent_close",
                { Error: StallException } => "chunk_timeout_after_retries",
                _ => "stream_error_ReadError_after_retries",
            };
            if (IsYoung(source))
            {
                Log.YoungConnectionEnded(_logger, _stream.Id, UrlMasking.Mask(_openedUrl), youngReason);
            }
            else
            {
                Log.StalledFailingOver(_logger, _stream.Id, UrlMasking.Mask(_openedUrl), ((StallException)stop.Error!).Timeout.TotalSeconds);
            }

            return await FailOverAsync(_openedVersion, youngReason, stop.Error, "retries_exhausted", cancellationToken);
        }

        var reason = stop switch
        {
            { Kind: SourceStopKind.Ended } => "live_stream_silent_close",
            { Error: StallException } => "chunk_timeout_after_retries",
            _ => "stream_error_ReadError_after_retries",
        };
        return await AfterFailureAsync(_openedVersion, _openedUrl, reason, stop.Error, cancellationToken);
    }

    /// <summary>Retry the same URL while the outage allows it, else fail over. False: the stream has failed.</summary>
    private async Task<bool> AfterFailureAsync(long seenVersion, string url, string reason, Exception? error, CancellationToken cancellationToken)
    {
        _coordinator.RecordUpstreamError(error);
        _outageStarted ??= _time.GetTimestamp();
        var withinBudget = _policy.OutageBudget <= TimeSpan.Zero || _time.GetElapsedTime(_outageStarted.Value) < _policy.OutageBudget;
        if (_retries < _policy.Attempts && withinBudget)
        {
            _retries++;
            State = SourceState.Retrying;
            Log.Retrying(_logger, _stream.Id, UrlMasking.Mask(url), _retries, UrlMasking.MaskText(error?.Message));
            await Task.Delay(_policy.DelayBefore(_retries), _time, cancellationToken);
            return true;
        }

        if (_sources.TryRecoverSticky(seenVersion))
        {
            _retries = 0;
            return true; // sticky session: back to the entry URL before failing over
        }

        // Without a failover source the stream ends here: say whether the retries or the outage budget ran out.
        return await FailOverAsync(seenVersion, reason, error, withinBudget ? "retries_exhausted" : "total_timeout_exceeded", cancellationToken);
    }

    /// <summary>An answer that a retry would only repeat (401/403/404/410, a page): fail over or fail, at once.</summary>
    private async Task<bool> AfterPermanentFailureAsync(long seenVersion, string reason, Exception error, CancellationToken cancellationToken)
    {
        _coordinator.RecordUpstreamError(error);
        _outageStarted ??= _time.GetTimestamp();
        return await FailOverAsync(seenVersion, reason, error, "permanent_error", cancellationToken);
    }

    /// <summary>Young: it ended before <c>STREAM_YOUNG_CONNECTION_SECONDS</c> of data (or before any).</summary>
    private bool IsYoung(SupervisedByteSource? source)
        => _policy.YoungConnection > TimeSpan.Zero
            && (source?.FirstDataTimestamp is not { } first || _time.GetElapsedTime(first) < _policy.YoungConnection);

    private bool CanFailOver() => _failovers < MaxFailovers(_stream.Definition);

    private int MaxFailovers(StreamDefinition definition) => _policy.MaxFailovers > 0 ? _policy.MaxFailovers
        : definition.FailoverResolverUrl is not null ? 999 : definition.FailoverUrls.Count;

    private async Task<bool> FailOverAsync(long seenVersion, string reason, Exception? error, string reasonWithoutFailover, CancellationToken cancellationToken)
    {
        State = SourceState.FailingOver;
        var definition = _stream.Definition;
        if (!definition.HasFailover || _failovers >= MaxFailovers(definition))
        {
            return Fail(definition.HasFailover ? "no_failover_available" : reasonWithoutFailover, error);
        }

        var change = await _coordinator.AdvanceAsync(_stream, seenVersion, reason, _lastStatus, cancellationToken);
        if (change is null && _sources.Version == seenVersion)
        {
            return Fail("no_failover_available", error);
        }

        _failovers++;
        _retries = 0;
        return true;
    }

    private bool Fail(string reason, Exception? error)
    {
        State = SourceState.Failed;
        _coordinator.PublishFailed(_stream, reason, error, _retries);
        return false;
    }

    private void StartNewOutage()
    {
        _outageStarted = null;
        _retries = 0;
        _failovers = 0;
    }

    private static partial class Log
    {
        [LoggerMessage(350, LogLevel.Information, "Stream {StreamId}: retrying {Url} (attempt {Attempt}): {Reason}")]
        public static partial void Retrying(ILogger logger, string streamId, string url, int attempt, string? reason);

        [LoggerMessage(351, LogLevel.Information, "Stream {StreamId}: upstream file ended")]
        public static partial void FileEnded(ILogger logger, string streamId);

        [LoggerMessage(352, LogLevel.Warning, "Stream {StreamId}: {Url} answered status {Status}, content type {ContentType}: {Reason}")]
        public static partial void ConnectFailed(ILogger logger, string streamId, string url, int status, string contentType, string? reason);

        [LoggerMessage(353, LogLevel.Information, "Stream {StreamId}: {Url} ended young ({Reason}): failing over without a same-URL retry")]
        public static partial void YoungConnectionEnded(ILogger logger, string streamId, string url, string reason);

        [LoggerMessage(354, LogLevel.Information, "Stream {StreamId}: {Url} sent nothing for {Seconds} s: failing over without a same-URL retry")]
        public static partial void StalledFailingOver(ILogger logger, string streamId, string url, double seconds);
    }
}
