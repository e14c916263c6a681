using M3uProxy.Edge.Api.Models;
using M3uProxy.Edge.Tools;
using M3uProxy.Edge.Transcoding.Profiles;

namespace M3uProxy.Edge.Transcoding;

/// <summary>The profile catalog built on the run's encoder choice (<see cref="HardwareDetection"/>).</summary>
internal sealed class HardwareState(HardwareDetection detection)
{
    private ProfileCatalog? _catalog;

    /// <summary>Starts the probe (at start-up, so the first request does not wait for it).</summary>
    public void Start() => detection.Start();

    public async Task<ProfileCatalog> CatalogAsync(CancellationToken cancellationToken)
    {
        var hardware = await detection.ChosenAsync(cancellationToken);
        return _catalog ??= new ProfileCatalog(hardware);
    }

    /// <summary>The answer when the probe has finished, else null (for <c>/info</c>, which must not wait).</summary>
    public HardwareAcceleration? Current => detection.Current;

    public static HardwareInfo Describe(HardwareAcceleration hardware) => new(
        hardware.Available,
        hardware.TypeName,
        hardware.Device,
        hardware.Source,
        hardware.Candidates.Select(c => new HardwareCandidateInfo(c.Name, c.Chosen, c.Reason)).ToList());
}
