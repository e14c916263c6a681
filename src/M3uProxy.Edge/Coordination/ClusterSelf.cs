using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace M3uProxy.Edge.Coordination;

/// <summary>
/// This instance as the others see it: its worker id and the base URL they reach it at —
/// <c>CLUSTER_ADVERTISE_URL</c>, else the address Kestrel listens on (this machine's name when it
/// listens on every address), known once the server has started.
/// </summary>
internal sealed class ClusterSelf(InstanceInfo configured, IServer server)
{
    private string? _resolved = configured.AdvertiseUrl;

    public string WorkerId => configured.WorkerId;

    /// <summary>Null until the server listens (or when no address can be told).</summary>
    public string? AdvertiseUrl => _resolved ??= Resolve();

    private string? Resolve()
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        if (address is null || !Uri.TryCreate(address.Replace("[::]", "0.0.0.0", StringComparison.Ordinal).Replace("+", "0.0.0.0", StringComparison.Ordinal).Replace("*", "0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri) || uri.Port == 0)
        {
            return null;
        }

        var host = uri.Host is "0.0.0.0" ? Dns.GetHostName() : uri.Host;
        return $"{uri.Scheme}://{host}:{uri.Port}"; // Uri.Host keeps an IPv6 address in brackets
    }
}
