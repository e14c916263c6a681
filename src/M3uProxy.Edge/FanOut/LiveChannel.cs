namespace M3uProxy.Edge.FanOut;

/// <summary>
/// One live stream's single upstream, shared by all its viewers: a pump task moves bytes from
/// the current <see cref="IByteSource"/> into a <see cref="FanOutBuffer"/>, asking its
/// <see cref="IChannelSource"/> for the next source whenever one ends. Viewers read the buffer
/// through their own <see cref="FanOutReader"/>.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The buffer is released when the pump and the last reader are done; the stop source has no timer.")]
internal sealed partial class LiveChannel
{
    private readonly IChannelSource _source;
    private readonly FanOutBuffer _buffer;
    private readonly RandomAccessIndex _index = new();
    private readonly ChannelInput _input;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<ChannelStart> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private readonly bool _retainLatestKeyframe;
    private Task _pump = Task.CompletedTask;
    private bool _pumpDone;
    private long _upstreamBytes;
    private int _sourceStarts;

    public LiveChannel(string streamId, IChannelSource source, LiveChannelOptions options, ILogger logger, FanOutMemory? memory = null)
    {
        StreamId = streamId;
        _source = source;
        _buffer = new FanOutBuffer(options.BufferBytes, options.JoinBurstBytes, memory);
        _input = new ChannelInput(_buffer, options.KeepaliveBound);
        _retainLatestKeyframe = options.RetainLatestKeyframe;
        _logger = logger;
    }

    public string StreamId { get; }

    public FanOutBuffer Buffer => _buffer;

    /// <summary>Recent keyframes and the media info, read from the bytes as they are committed.</summary>
    public RandomAccessIndex Index => _index;

    /// <summary>Keepalive writes (PAT and PMT repeated while the upstream was quiet) so far.</summary>
    public long Keepalives => _input.Keepalives;

    /// <summary>True once the pump has finished (the source ended, failed, or the channel was stopped).</summary>
    public bool HasEnded => Volatile.Read(ref _pumpDone);

    public bool IsStopping => _stop.IsCancellationRequested;

    /// <summary>Bytes read from upstream sources so far.</summary>
    public long UpstreamBytes => Interlocked.Read(ref _upstreamBytes);

    /// <summary>How many sources (connects, reconnects, failovers) the channel has opened: monitors restart their grace period when it changes.</summary>
    public int SourceStarts => Volatile.Read(ref _sourceStarts);

    /// <summary>Cancelled when the channel is told to stop.</summary>
    public CancellationToken Stopping => _stop.Token;

    /// <summary>Completes when the first bytes are ready for viewers, or the first source failed.</summary>
    public Task<ChannelStart> Started => _started.Task;

    public void Start() => _pump = Task.Run(PumpAsync);

    /// <summary>Stops reading upstream: the current source is released at once.</summary>
    public void Stop() => _stop.Cancel();

    public Task Completion => _pump;

    public FanOutReader AddReader(long burstBytes)
    {
        lock (_gate)
        {
            // Once the pump is done and the last reader left, the chunks are back in the pool (and
            // maybe another channel's): a reader that joins that late starts at the end and reads
            // nothing but the end. Before that, joining under the lock keeps the chunks alive.
            return _buffer.AddReader(_pumpDone ? 0 : burstBytes);
        }
    }

    /// <summary>
    /// Adds a viewer at the latest keyframe still buffered: its first bytes must be
    /// <paramref name="programHeader"/> (the PAT and PMT), then the keyframe, so a player decodes
    /// its first picture at once. Without one (not TS, no keyframe yet, or already overwritten) the
    /// viewer joins <paramref name="burstBytes"/> back, as <see cref="AddReader"/> does.
    /// </summary>
    public FanOutReader AddReaderAtKeyframe(long burstBytes, out ReadOnlyMemory<byte> programHeader)
    {
        lock (_gate)
        {
            programHeader = default;
            if (!_pumpDone && _index.TryGetLatest(out var point) && _buffer.TryAddReaderAt(point.Position) is { } reader)
            {
                programHeader = point.ProgramHeader;
                return reader;
            }

            return _buffer.AddReader(_pumpDone ? 0 : burstBytes);
        }
    }

    public void RemoveReader(FanOutReader reader)
    {
        _buffer.RemoveReader(reader);
        ReleaseBufferIfIdle();
    }

    private async Task PumpAsync()
    {
        var token = _stop.Token;
        SourceStop? previous = null;
        var failed = false;
        using var keepaliveStop = CancellationTokenSource.CreateLinkedTokenSource(token);
        var keepalive = _input.RunKeepaliveAsync(keepaliveStop.Token);
        try
        {
            while (!token.IsCancellationRequested)
            {
                var source = await _source.OpenNextAsync(previous, token);
                if (source is null)
                {
                    break;
                }

                Log.SourceOpened(_logger, StreamId, source.Description);
                Interlocked.Increment(ref _sourceStarts);
                await using (source)
                {
                    await _input.BeginSourceAsync(token);
                    _index.BeginSource(_buffer.Published);
                    previous = await CopyAsync(source, token);
                }

                Log.SourceStopped(_logger, StreamId, previous.Kind.ToString(), Upstream.UrlMasking.MaskText(previous.Error?.Message));
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Stopped: the last viewer left, or the stream was removed.
        }
        catch (Exception exception)
        {
            failed = true;
            _started.TrySetResult(new ChannelStart(false, exception));
            Log.ChannelFailed(_logger, StreamId, Upstream.UrlMasking.MaskText(exception.Message));
        }
        finally
        {
            _source.Dispose();
            await keepaliveStop.CancelAsync();
            await keepalive;
            await _input.CompleteAsync(failed || previous?.Kind == SourceStopKind.Failed);
            _input.Dispose();
            _started.TrySetResult(new ChannelStart(false, previous?.Error ?? _source.LastError));
            lock (_gate)
            {
                _pumpDone = true;
            }

            ReleaseBufferIfIdle();
        }
    }

    private async Task<SourceStop> CopyAsync(IByteSource source, CancellationToken token)
    {
        try
        {
            while (true)
            {
                var read = await _input.ReadAsync(source, token);
                if (read == 0)
                {
                    return new SourceStop(SourceStopKind.Ended);
                }

                Interlocked.Add(ref _upstreamBytes, read);
                if (_index.Scan(_buffer) && _retainLatestKeyframe && _index.TryGetLatest(out var keyframe))
                {
                    _buffer.RetainFrom(keyframe.Position);
                }

                if (!_started.Task.IsCompleted && _buffer.Published > 0)
                {
                    _started.TrySetResult(ChannelStart.Success);
                }
            }
        }
        catch (HttpIOException exception) when (exception.HttpRequestError == HttpRequestError.ResponseEnded && !token.IsCancellationRequested)
        {
            // The upstream closed the connection mid-body: for a live channel that is the source ending.
            return new SourceStop(SourceStopKind.Ended, exception);
        }
        catch (Exception exception) when (exception is IOException or HttpRequestException && !token.IsCancellationRequested)
        {
            return new SourceStop(SourceStopKind.Failed, exception);
        }
    }

    // The pooled chunks go back only when nothing can read them: the pump is done and no reader is left.
    private void ReleaseBufferIfIdle()
    {
        lock (_gate)
        {
            if (_pumpDone && _buffer.ReaderCount == 0)
            {
                _buffer.Dispose();
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(300, LogLevel.Debug, "Stream {StreamId}: reading {Source}")]
        public static partial void SourceOpened(ILogger logger, string streamId, string source);

        [LoggerMessage(301, LogLevel.Information, "Stream {StreamId}: upstream {Kind} ({Reason})")]
        public static partial void SourceStopped(ILogger logger, string streamId, string kind, string? reason);

        [LoggerMessage(302, LogLevel.Warning, "Stream {StreamId}: upstream failed: {Reason}")]
        public static partial void ChannelFailed(ILogger logger, string streamId, string reason);
    }
}
