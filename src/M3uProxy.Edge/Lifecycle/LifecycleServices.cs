using M3uProxy.Edge.Clients;
using M3uProxy.Edge.Events;
using M3uProxy.Edge.Streams;

namespace M3uProxy.Edge.Lifecycle;

internal static class LifecycleServices
{
    /// <summary>The registries (and the process-life totals they keep), the event bus, the lifecycle that guards them, and the idle sweep.</summary>
    public static IServiceCollection AddLifecycle(this IServiceCollection services)
    {
        services.AddSingleton<ServedTotals>();
        services.AddSingleton<IStreamRegistry, InMemoryStreamRegistry>();
        services.AddSingleton<ClientRegistry>();
        services.AddSingleton<EventBus>();
        services.AddSingleton<StreamLifecycle>();
        services.AddSingleton<AdHocStreams>();
        services.AddSingleton<ShutdownDrain>();
        services.AddHostedService<StreamReaper>();
        return services;
    }
}
