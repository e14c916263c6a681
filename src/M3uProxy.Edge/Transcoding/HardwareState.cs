using M3uProxy.Edge.Api.Models;
using M3uProxy.Edge.Configuration;
using M3uProxy.Edge.Tools;
using M3uProxy.Edge.Transcoding.Profiles;

namespace M3uProxy.Edge.Transcoding;

/// <summary>
/// The hardware probe, run once in the background from start-up (or the <c>HW_ACCEL_*</c>
/// override), and the profile catalog built on its answer.
/// </summary>
internal sealed partial class HardwareState
{
    private readonly Lazy<Task<ProfileCatalog>> _catalog;

    public HardwareState(ProxySettings settings, ToolPaths paths, ILogger<HardwareState> logger)
    {
        _catalog = new Lazy<Task<ProfileCatalog>>(() => Task.Run(async () =>
        {
            var hardware = HardwareProbe.FromEnvironment(settings.HwAccelAvailable, settings.HwAccelType, settings.HwAccelDevice)
                ?? await new HardwareProbe(RunFfmpeg(paths), HardwareProbe.ListDeviceNodes).DetectAsync(CancellationToken.None);
            Log.Chosen(logger, hardware.TypeName, hardware.Source, string.Join("; ", hardware.Candidates.Select(c => $"{c.Name}: {c.Reason}")));
            return new ProfileCatalog(hardware);
        }));
    }

    /// <summary>Starts the probe (at start-up, so the first request does not wait for it).</summary>
    public void Start() => _ = _catalog.Value;

    public Task<ProfileCatalog> CatalogAsync(CancellationToken cancellationToken) => _catalog.Value.WaitAsync(cancellationToken);

    /// <summary>The answer when the probe has finished, else null (for <c>/info</c>, which must not wait).</summary>
    public HardwareAcceleration? Current => _catalog.IsValueCreated && _catalog.Value.IsCompletedSuccessfully ? _catalog.Value.Result.Hardware : null;

    public static HardwareInfo Describe(HardwareAcceleration hardware) => new(
        hardware.Available,
        hardware.TypeName,
        hardware.Device,
        hardware.Source,
        hardware.Candidates.Select(c => new HardwareCandidateInfo(c.Name, c.Chosen, c.Reason)).ToList());

    private static HardwareProbe.FfmpegRun RunFfmpeg(ToolPaths paths) => async (arguments, timeout, cancellationToken) =>
    {
        var result = await ToolRunner.RunAsync(new ToolCommand(paths.Ffmpeg, ["-hide_banner", .. arguments]), default, timeout, cancellationToken);
        return result.NotFound ? new ProbeOutput(-1, $"{paths.Ffmpeg} not found") : new ProbeOutput(result.TimedOut ? -2 : result.ExitCode ?? -1, result.Stdout + result.Stderr);
    };

    private static partial class Log
    {
        [LoggerMessage(610, LogLevel.Information, "Transcoding encoder: {Type} ({Source}); {Candidates}")]
        public static partial void Chosen(ILogger logger, string type, string source, string candidates);
    }
}
