using M3uProxy.Edge.Configuration;

namespace M3uProxy.Edge.Coordination;

/// <summary>
/// What the instances of a cluster share: the stream directory, channel ownership and provider
/// connection slots. One instance (the default) keeps them in memory, which is the behaviour of a
/// proxy that shares nothing.
/// </summary>
internal static class CoordinationServices
{
    public static IServiceCollection AddCoordination(this IServiceCollection services)
    {
        services.AddSingleton(sp => new InstanceInfo(WorkerIdOf(sp.GetRequiredService<ProxySettings>()), AdvertiseUrl: null));
        services.AddSingleton<IStreamDirectory, LocalStreamDirectory>();
        services.AddSingleton<IChannelOwnership, LocalChannelOwnership>();
        services.AddSingleton<IConnectionSlots, LocalConnectionSlots>();
        return services;
    }

    /// <summary><c>WORKER_ID</c>, or <c>single</c> as the reference names an instance without one.</summary>
    public static string WorkerIdOf(ProxySettings settings) => settings.WorkerId.Length > 0 ? settings.WorkerId : "single";
}
