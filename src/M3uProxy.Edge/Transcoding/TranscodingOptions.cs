using M3uProxy.Edge.Configuration;

namespace M3uProxy.Edge.Transcoding;

/// <summary>The transcoding settings, read once from <see cref="ProxySettings"/>.</summary>
internal sealed record TranscodingOptions(
    bool AllowCustomTemplates,
    bool StreamlinkEnabled,
    bool YtdlpEnabled,
    TimeSpan LastViewerGrace,
    TimeSpan StallTimeout,
    TimeSpan HlsWait,
    int MaxRestartsPerMinute)
{
    public static TranscodingOptions From(ProxySettings settings) => new(
        settings.AllowCustomFfmpegArgs,
        settings.StreamlinkEnabled,
        settings.YtdlpEnabled,
        TimeSpan.FromSeconds(settings.SharedStreamGraceSeconds),
        TimeSpan.FromSeconds(settings.TranscodeStallTimeoutSeconds),
        TimeSpan.FromSeconds(settings.HlsWaitTimeSeconds),
        MaxRestartsPerMinute: 3);
}
