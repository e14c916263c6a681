using M3uProxy.Edge.Configuration;
using M3uProxy.Edge.Events;

namespace M3uProxy.Edge.Lifecycle;

/// <summary>
/// SIGTERM without cutting anyone short (a rolling restart relies on it). Kestrel stops accepting
/// and waits for the responses still open; here, at the same moment, every live stream ends (its
/// viewers get the clean end of their response: an endless stream has no better moment), and file
/// downloads get up to <c>SHUTDOWN_DRAIN_SECONDS</c> to finish before they are cut. Every stream
/// ends with exactly one <c>stream_stopped</c> (<c>server_shutdown</c>) before the webhooks drain.
/// </summary>
internal sealed partial class ShutdownDrain
{
    private static readonly StopReason _reason = new("server_shutdown");

    private readonly StreamLifecycle _lifecycle;
    private readonly TimeProvider _time;
    private readonly ILogger<ShutdownDrain> _logger;
    private ITimer? _deadline;

    public ShutdownDrain(StreamLifecycle lifecycle, ProxySettings settings, TimeProvider time, ILogger<ShutdownDrain> logger)
    {
        _lifecycle = lifecycle;
        _time = time;
        _logger = logger;
        Bound = TimeSpan.FromSeconds(settings.ShutdownDrainSeconds);
    }

    /// <summary>How long downloads may go on after SIGTERM.</summary>
    public TimeSpan Bound { get; }

    /// <summary>
    /// How long the host may take to stop: the drain, then the webhooks' last deliveries (5 s) and
    /// the rest, so Kestrel never aborts a download the drain still allows.
    /// </summary>
    public static TimeSpan HostShutdownTimeout(ProxySettings settings) => TimeSpan.FromSeconds(settings.ShutdownDrainSeconds + 10);

    /// <summary>Runs on <c>ApplicationStopping</c>, before Kestrel stops accepting.</summary>
    public void Begin()
    {
        var downloading = _lifecycle.BeginShutdown(_reason, keepDownloads: Bound > TimeSpan.Zero);
        if (downloading.Count == 0)
        {
            return;
        }

        Log.Draining(_logger, downloading.Count, Bound.TotalSeconds);
        _deadline = _time.CreateTimer(_ => CutTheRest(), null, Bound, Timeout.InfiniteTimeSpan);
    }

    private void CutTheRest()
    {
        _deadline?.Dispose();
        var cut = _lifecycle.StopAll(_reason.Reason);
        if (cut > 0)
        {
            Log.DownloadsCut(_logger, cut, Bound.TotalSeconds);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(209, LogLevel.Information, "Shutting down: {Streams} streams with downloads running get up to {Seconds} s to finish")]
        public static partial void Draining(ILogger logger, int streams, double seconds);

        [LoggerMessage(210, LogLevel.Warning, "Shutting down: {Streams} streams still downloading after {Seconds} s were cut")]
        public static partial void DownloadsCut(ILogger logger, int streams, double seconds);
    }
}
