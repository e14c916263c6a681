using M3uProxy.Edge.Configuration;

namespace M3uProxy.Edge.Tools;

/// <summary>
/// The encoder family of this run, chosen once: the <c>HW_ACCEL_*</c> override, else the
/// in-process <see cref="HardwareProbe"/>, started in the background at start-up so no request
/// waits for it. Transcoding profiles and broadcasts both encode with its answer.
/// </summary>
internal sealed partial class HardwareDetection
{
    private readonly Lazy<Task<HardwareAcceleration>> _choice;

    public HardwareDetection(ProxySettings settings, ToolPaths paths, ILogger<HardwareDetection> logger)
    {
        _choice = new Lazy<Task<HardwareAcceleration>>(() => Task.Run(async () =>
        {
            var hardware = HardwareProbe.FromEnvironment(settings.HwAccelAvailable, settings.HwAccelType, settings.HwAccelDevice)
                ?? await new HardwareProbe(RunFfmpeg(paths), HardwareProbe.ListDeviceNodes).DetectAsync(CancellationToken.None);
            Log.Chosen(logger, hardware.TypeName, hardware.Source, string.Join("; ", hardware.Candidates.Select(c => $"{c.Name}: {c.Reason}")));
            return hardware;
        }));
    }

    /// <summary>Starts the probe (at start-up, so the first request does not wait for it).</summary>
    public void Start() => _ = _choice.Value;

    public Task<HardwareAcceleration> ChosenAsync(CancellationToken cancellationToken) => _choice.Value.WaitAsync(cancellationToken);

    /// <summary>The answer when the probe has finished, else null (for callers that must not wait).</summary>
    public HardwareAcceleration? Current => _choice.IsValueCreated && _choice.Value.IsCompletedSuccessfully ? _choice.Value.Result : null;

    private static HardwareProbe.FfmpegRun RunFfmpeg(ToolPaths paths) => async (arguments, timeout, cancellationToken) =>
    {
        var result = await ToolRunner.RunAsync(new ToolCommand(paths.Ffmpeg, ["-hide_banner", .. arguments]), default, timeout, cancellationToken);
        return result.NotFound ? new ProbeOutput(-1, $"{paths.Ffmpeg} not found") : new ProbeOutput(result.TimedOut ? -2 : result.ExitCode ?? -1, result.Stdout + result.Stderr);
    };

    private static partial class Log
    {
        [LoggerMessage(63, LogLevel.Information, "Encoder for transcoding and broadcasts: {Type} ({Source}); {Candidates}")]
        public static partial void Chosen(ILogger logger, string type, string source, string candidates);
    }
}
