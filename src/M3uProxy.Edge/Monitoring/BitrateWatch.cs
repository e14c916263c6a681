using M3uProxy.Edge.Failover;
using M3uProxy.Edge.FanOut;
using M3uProxy.Edge.Streams;

namespace M3uProxy.Edge.Monitoring;

/// <summary>
/// <c>ENABLE_BITRATE_MONITORING</c> (seed-spec §6.8): a window whose upstream rate is under
/// <c>MIN_BITRATE_THRESHOLD</c> bytes per second is bad. It reads one counter the pump keeps anyway.
/// </summary>
internal sealed class BitrateWatch(LiveChannel channel, StreamRecord stream, FailoverCoordinator failover, TimeProvider time, WatchSettings settings, long minimumBytesPerSecond, ILogger logger)
    : ChannelWatch(channel, stream, failover, time, settings, "low_bitrate", logger)
{
    protected override ValueTask<bool> IsBadWindowAsync(long windowBytes, CancellationToken cancellationToken)
        => ValueTask.FromResult(windowBytes / Interval.TotalSeconds < minimumBytesPerSecond);
}
