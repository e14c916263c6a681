using System.Text.Json.Nodes;
using M3uProxy.Edge.Api;
using M3uProxy.Edge.Api.Models;
using M3uProxy.Edge.Streams;

namespace M3uProxy.Edge.Transcoding;

/// <summary>Transcoding as <c>/info</c> and <c>/streams/{id}</c> show it.</summary>
internal sealed class TranscodingStatus(TranscodeSessions sessions, HardwareState hardware) : ITranscodingStatus
{
    public JsonObject? Describe(StreamRecord stream)
        => sessions.TryGet(stream.Id, out var session) ? session.Describe() : TranscodeSession.DescribeIdle(stream.Definition);

    public async Task<(HardwareAccelerationInfo Hardware, TranscodingInfo Transcoding)> InfoAsync(CancellationToken cancellationToken)
    {
        var catalog = await hardware.CatalogAsync(cancellationToken);
        var chosen = catalog.Hardware;
        return (
            new HardwareAccelerationInfo(chosen.Available, chosen.TypeName, chosen.Device, chosen.InputArguments, HardwareState.Describe(chosen).Candidates),
            new TranscodingInfo(true, catalog.Profiles.ToDictionary(p => p.Name, p => p.Description)));
    }
}
