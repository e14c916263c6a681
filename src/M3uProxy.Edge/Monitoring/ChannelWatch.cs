using M3uProxy.Edge.Failover;
using M3uProxy.Edge.FanOut;
using M3uProxy.Edge.Streams;

namespace M3uProxy.Edge.Monitoring;

/// <summary>
/// A health check that runs beside a live channel, never in its data path: every interval, once
/// the grace period after the last (re)connect has passed, it judges the window just gone; a
/// run of bad windows fails the stream over once, through the same state machine as every other
/// trigger. A slow check delays only the next check, never a viewer.
/// </summary>
internal abstract partial class ChannelWatch
{
    private readonly FailoverCoordinator _failover;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly TimeSpan _grace;
    private readonly ConsecutiveWindows _windows;
    private readonly string _reason;
    private readonly ILogger _logger;

    protected ChannelWatch(LiveChannel channel, StreamRecord stream, FailoverCoordinator failover, TimeProvider time, WatchSettings settings, string reason, ILogger logger)
    {
        Channel = channel;
        Stream = stream;
        _failover = failover;
        _time = time;
        _interval = settings.Interval;
        _grace = settings.Grace;
        _windows = new ConsecutiveWindows(settings.Threshold);
        _reason = reason;
        _logger = logger;
    }

    protected LiveChannel Channel { get; }

    protected StreamRecord Stream { get; }

    protected TimeSpan Interval => _interval;

    public async Task RunAsync()
    {
        var token = Channel.Stopping;
        var lastStarts = -1;
        var graceFrom = _time.GetTimestamp();
        var lastBytes = Channel.UpstreamBytes;
        var switching = false;
        try
        {
            using var timer = new PeriodicTimer(_interval, _time);
            while (await timer.WaitForNextTickAsync(token) && !Channel.HasEnded)
            {
                var bytes = Channel.UpstreamBytes;
                var window = bytes - lastBytes;
                lastBytes = bytes;
                if (Channel.SourceStarts != lastStarts)
                {
                    // A new source (or the first one): its grace period starts now.
                    lastStarts = Channel.SourceStarts;
                    graceFrom = _time.GetTimestamp();
                    _windows.Reset();
                    switching = false;
                    continue;
                }

                // After a trigger, the old source's bytes are still in the buffer until the new one
                // opens (slowly, on a loaded box): judging them again would fail over a second time.
                if (switching || lastStarts == 0 || _time.GetElapsedTime(graceFrom) < _grace)
                {
                    continue;
                }

                if (_windows.Record(await IsBadWindowAsync(window, token)))
                {
                    Log.Unhealthy(_logger, Stream.Id, _reason);
                    var sources = _failover.SourcesOf(Stream);
                    switching = await _failover.AdvanceAsync(Stream, sources.Version, _reason, null, token) is not null;
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The channel stopped.
        }
        catch (Exception exception)
        {
            // Nobody awaits a watch: a failure must be seen here, and it never harms the channel.
            Log.WatchFailed(_logger, Stream.Id, _reason, exception);
        }
    }

    /// <summary>Judges the window that just ended; <paramref name="windowBytes"/> came from upstream during it.</summary>
    protected abstract ValueTask<bool> IsBadWindowAsync(long windowBytes, CancellationToken cancellationToken);

    private static partial class Log
    {
        [LoggerMessage(360, LogLevel.Warning, "Stream {StreamId}: unhealthy upstream ({Reason}), failing over")]
        public static partial void Unhealthy(ILogger logger, string streamId, string reason);

        [LoggerMessage(361, LogLevel.Error, "Stream {StreamId}: the {Reason} watch stopped with an error")]
        public static partial void WatchFailed(ILogger logger, string streamId, string reason, Exception exception);
    }
}

/// <summary>How often a watch looks, how long it waits after a (re)connect, and how many bad windows in a row trigger it.</summary>
internal sealed record WatchSettings(TimeSpan Interval, TimeSpan Grace, int Threshold);
