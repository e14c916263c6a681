using System.Runtime.CompilerServices;
using M3uProxy.Edge.FanOut;
using M3uProxy.Edge.Upstream;

namespace M3uProxy.Edge.Failover;

/// <summary>
/// An upstream body watched by the state machine: a read that waits longer than the stall
/// timeout fails with <see cref="StallException"/> (once data has flowed, the shorter
/// <c>flowingStallTimeout</c> when one is given: a stream with somewhere to fail over to should not
/// sit out a stall), and <see cref="Switch"/> ends the source at once (a failover elsewhere made
/// another URL current), so the pump moves on within milliseconds.
/// </summary>
internal sealed class SupervisedByteSource : IByteSource
{
    private readonly UpstreamResponse _response;
    private readonly CancellationTokenSource _cancel;
    private readonly TimeSpan _stallTimeout;
    private readonly TimeSpan _flowingStallTimeout;
    private readonly TimeProvider _time;
    private readonly long? _contentLength;
    private readonly int _statusCode;
    private readonly string? _contentType;
    private volatile bool _switched;
    private bool _knownMedia;
    private long _bytesRead;

    public SupervisedByteSource(UpstreamResponse response, TimeSpan stallTimeout, TimeProvider time, CancellationToken channelToken, TimeSpan flowingStallTimeout = default)
    {
        _response = response;
        _time = time;
        _stallTimeout = stallTimeout;
        _flowingStallTimeout = flowingStallTimeout > TimeSpan.Zero && (stallTimeout <= TimeSpan.Zero || flowingStallTimeout < stallTimeout) ? flowingStallTimeout : stallTimeout;
        _contentLength = response.ContentLength; // read now: the state machine asks after the response is disposed
        _statusCode = response.StatusCode;
        _contentType = response.ContentType;
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(channelToken);
        Description = UrlMasking.Mask(response.FinalUrl.ToString());
    }

    public string Description { get; }

    public Uri FinalUrl => _response.FinalUrl;

    /// <summary>True when the upstream announced a length and every byte of it arrived: a finite file ended.</summary>
    public bool IsCompleteFile => _contentLength is { } length && _bytesRead >= length;

    /// <summary>When the first byte arrived (null before), to tell a recovered source from a flapping one.</summary>
    public long? FirstDataTimestamp { get; private set; }

    public void Switch()
    {
        _switched = true;
        _cancel.Cancel();
    }

    /// <summary>
    /// Reads like the body, except that the first bytes are looked at before any is handed out:
    /// a page instead of media ends the source with <see cref="NotMediaException"/>.
    /// </summary>
    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        => _knownMedia ? ReadOnceAsync(buffer, cancellationToken) : ReadFirstAsync(buffer, cancellationToken);

    /// <summary>
    /// Once the first bytes proved to be media: the body's zero-byte read (SocketsHttpHandler's
    /// response streams) waits for data without a buffer (<c>SupervisedByteSourceTests</c> checks it
    /// on a real origin). Before that the first reads are sniffed, and may take several reads.
    /// </summary>
    public bool CanWaitForData => _knownMedia;

    /// <summary>Waits for the body's next bytes (or its end) under the same stall timeout and switch as a read.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WaitForDataAsync(CancellationToken cancellationToken)
        => await ReadOnceAsync(Memory<byte>.Empty, cancellationToken);

    private async ValueTask<int> ReadFirstAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var total = 0;
        while (true)
        {
            var read = await ReadOnceAsync(buffer[total..], cancellationToken);
            total += read;
            switch (PageDetection.LooksLikePage(buffer.Span[..total], complete: read == 0 || total == buffer.Length))
            {
                case true:
                    throw new NotMediaException(_statusCode, _contentType);
                case false:
                    _knownMedia = true;
                    return total;
            }
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReadOnceAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (_switched)
        {
            return 0;
        }

        var stallTimeout = FirstDataTimestamp is null ? _stallTimeout : _flowingStallTimeout;
        if (stallTimeout > TimeSpan.Zero)
        {
            _cancel.CancelAfter(stallTimeout);
        }

        try
        {
            var read = await _response.Body.ReadAsync(buffer, _cancel.Token);
            _bytesRead += read;
            if (read > 0 && FirstDataTimestamp is null)
            {
                FirstDataTimestamp = _time.GetTimestamp();
            }

            return read;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            if (_switched)
            {
                return 0;
            }

            throw new StallException(stallTimeout);
        }
        finally
        {
            if (stallTimeout > TimeSpan.Zero && !_cancel.IsCancellationRequested)
            {
                _cancel.CancelAfter(Timeout.InfiniteTimeSpan);
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _response.Dispose();
        _cancel.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>No upstream data within <c>LIVE_CHUNK_TIMEOUT_SECONDS</c>.</summary>
internal sealed class StallException(TimeSpan timeout) : IOException($"No data received for {timeout.TotalSeconds:0.0#}s")
{
    public TimeSpan Timeout { get; } = timeout;
}
