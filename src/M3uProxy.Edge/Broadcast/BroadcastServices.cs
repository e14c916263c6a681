using M3uProxy.Edge.Configuration;

namespace M3uProxy.Edge.Broadcast;

/// <summary>Registers the network broadcast manager.</summary>
internal static class BroadcastServices
{
    public static IServiceCollection AddBroadcast(this IServiceCollection services)
    {
        services.AddSingleton(sp => BroadcastOptions.From(sp.GetRequiredService<ProxySettings>()));
        services.AddSingleton<BroadcastCallbackSender>();
        services.AddSingleton<BroadcastRegistry>();
        services.AddHostedService(sp => sp.GetRequiredService<BroadcastRegistry>());
        return services;
    }
}
