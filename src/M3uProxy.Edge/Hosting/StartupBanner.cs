using System.Net;
using M3uProxy.Edge.Configuration;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace M3uProxy.Edge.Hosting;

/// <summary>
/// What the proxy says once it listens: version, address, root path and auth in one line, each
/// feature's state in a second, and a warning when the management API is open to the network.
/// </summary>
internal static class StartupBanner
{
    public static void Write(WebApplication app, SettingsLoadResult configuration)
    {
        var settings = configuration.Settings;
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var listening = addresses.Count > 0 ? string.Join(", ", addresses) : StartupFailure.ListenAddress(settings);
        var rootPath = settings.RootPath.Length > 0 ? settings.RootPath : "/";
        HostingLog.Listening(app.Logger, ProxyVersion.Build, ProxyVersion.Api, listening, rootPath, settings.AuthEnabled ? "on" : "off (API_TOKEN is not set)");

        var facts = app.Services.GetServices<BannerFact>().Select(f => $"{f.Name}: {f.Describe(app.Services)}");
        HostingLog.Features(app.Logger, string.Join("; ", facts));

        if (!settings.AuthEnabled && !IsLoopbackOnly(settings.Host))
        {
            HostingLog.ManagementOpen(app.Logger, StartupFailure.ListenAddress(settings));
        }

        var inactive = configuration.RequestedInactiveCapabilities().ToList();
        if (inactive.Count > 0)
        {
            HostingLog.CapabilitiesInactive(app.Logger, string.Join(", ", inactive));
        }
    }

    /// <summary>True when only this machine can connect: localhost or a loopback address.</summary>
    public static bool IsLoopbackOnly(string host)
    {
        host = host.Trim();
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
    }
}
