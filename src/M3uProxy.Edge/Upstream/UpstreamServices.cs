using M3uProxy.Edge.Configuration;
using M3uProxy.Edge.Metrics;

namespace M3uProxy.Edge.Upstream;

internal static class UpstreamServices
{
    /// <summary>The media client (with the TLS policy tests may inject), the control-plane client, and their gauge.</summary>
    public static IServiceCollection AddUpstream(this IServiceCollection services, UpstreamTlsPolicy? upstreamTls)
    {
        services.AddSingleton(sp => new UpstreamClient(sp.GetRequiredService<ProxySettings>(), upstreamTls));
        services.AddSingleton<ControlHttpClient>();
        services.AddSingleton<IGaugeSet, UpstreamGauges>();
        return services;
    }
}
