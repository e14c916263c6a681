using System.Text.Json.Nodes;
using M3uProxy.Edge.Api.Models;
using M3uProxy.Edge.Streams;

namespace M3uProxy.Edge.Api;

/// <summary>What the management API shows of transcoding (<c>/info</c>, <c>/streams/{id}</c>), implemented by <c>Transcoding/</c> so the API does not depend on it.</summary>
internal interface ITranscodingStatus
{
    /// <summary>The <c>transcoding</c> object of a transcoded or resolver stream's detail; null for a plain stream.</summary>
    JsonObject? Describe(StreamRecord stream);

    /// <summary><c>/info</c>'s <c>hardware_acceleration</c> and <c>transcoding</c>.</summary>
    Task<(HardwareAccelerationInfo Hardware, TranscodingInfo Transcoding)> InfoAsync(CancellationToken cancellationToken);
}
