using M3uProxy.Edge.Configuration;
using M3uProxy.Edge.Failover;
using M3uProxy.Edge.FanOut;
using M3uProxy.Edge.Streams;
using M3uProxy.Edge.Tools;

namespace M3uProxy.Edge.Monitoring;

/// <summary>
/// Starts the health watches a stream asked for beside its live channel: bitrate
/// (<c>ENABLE_BITRATE_MONITORING</c>) and silence (<c>enable_silence_detection</c> or
/// <c>ENABLE_SILENCE_DETECTION</c>). They act only by failing over, so, as in the reference, a
/// stream without failover sources is not watched. They end with the channel.
/// </summary>
internal sealed class ChannelMonitors(FailoverCoordinator failover, ProxySettings settings, ToolPaths tools, TimeProvider time, ILogger<ChannelWatch> logger) : IChannelObserver
{
    public void ChannelStarted(LiveChannel channel, StreamRecord stream)
    {
        var definition = stream.Definition;
        if (!definition.HasFailover)
        {
            return;
        }

        if (settings.EnableBitrateMonitoring)
        {
            var watch = new WatchSettings(
                TimeSpan.FromSeconds(settings.BitrateCheckIntervalSeconds),
                TimeSpan.FromSeconds(settings.BitrateMonitoringGracePeriodSeconds),
                settings.BitrateFailoverThreshold);
            _ = new BitrateWatch(channel, stream, failover, time, watch, settings.MinBitrateThreshold, logger).RunAsync();
        }

        var silence = definition.Silence;
        if (silence.Enabled ?? settings.EnableSilenceDetection)
        {
            var watch = new WatchSettings(
                TimeSpan.FromSeconds(silence.CheckIntervalSeconds ?? settings.SilenceCheckIntervalSeconds),
                TimeSpan.FromSeconds(silence.GracePeriodSeconds ?? settings.SilenceMonitoringGracePeriodSeconds),
                silence.FailoverThreshold ?? settings.SilenceFailoverThreshold);
            var probe = new SilenceSettings(tools.Ffmpeg, silence.ThresholdDb ?? settings.SilenceThresholdDb, silence.DurationSeconds ?? settings.SilenceDurationSeconds);
            _ = new SilenceWatch(channel, stream, failover, time, watch, probe, logger).RunAsync();
        }
    }
}
