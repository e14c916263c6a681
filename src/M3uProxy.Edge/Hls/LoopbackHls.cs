using M3uProxy.Edge.Streams;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace M3uProxy.Edge.Hls;

/// <summary>
/// A transcoded stream's HLS source as this proxy serves it (failover, shared and cached segment
/// fetching, signed child URLs), for its ffmpeg to read over loopback instead of the provider's
/// playlist. The URL carries a signature only the proxy can make, so nobody else gets the
/// untranscoded source of a transcoded stream. The transcoder is no viewer: its requests carry a
/// client id only the proxy can make (<see cref="ClientId"/>), and are never registered as a client.
/// </summary>
internal sealed class LoopbackHls(UrlSigner signer, IServer server)
{
    public const string Parameter = "transcoder_input";
    private const string Purpose = "transcoder-input";
    private const string ClientPurpose = "transcoder-client";
    private const string ClientPrefix = "transcoder-";

    public string InputUrl(StreamRecord stream) => $"{BaseAddress()}hls/{stream.Id}/playlist.m3u8?{Parameter}={signer.Sign(stream.Id, Purpose)}";

    public bool IsTranscoderInput(HttpContext context, string streamId)
        => context.Request.Query[Parameter].ToString() is { Length: > 0 } signature && signer.Verify(streamId, Purpose, signature);

    /// <summary>The client id of the transcoder of <paramref name="streamId"/>: the child URLs of its playlists carry it.</summary>
    public string ClientId(string streamId) => ClientPrefix + signer.Sign(streamId, ClientPurpose);

    /// <summary>Whether <paramref name="clientId"/> is the transcoder of <paramref name="streamId"/> (not a viewer to count).</summary>
    public bool IsTranscoderClient(string streamId, string clientId)
        => clientId.StartsWith(ClientPrefix, StringComparison.Ordinal) && signer.Verify(streamId, ClientPurpose, clientId[ClientPrefix.Length..]);

    // The first address Kestrel listens on, with a wildcard host made the loopback one.
    private string BaseAddress()
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://127.0.0.1:8085";
        var uri = new UriBuilder(address.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal));
        uri.Host = uri.Host switch
        {
            "0.0.0.0" or "localhost" => "127.0.0.1",
            "[::]" or "::" => "[::1]",
            _ => uri.Host,
        };
        uri.Path = "/";
        return uri.Uri.AbsoluteUri;
    }
}
