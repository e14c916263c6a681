using M3uProxy.Edge.Configuration;
using M3uProxy.Edge.Coordination.Redis;
using M3uProxy.Edge.FanOut;
using M3uProxy.Edge.Lifecycle;

namespace M3uProxy.Edge.Coordination;

/// <summary>
/// What the instances of a cluster share: the stream directory, channel ownership and provider
/// connection slots. One instance (the default) keeps them in memory, which is the behaviour of a
/// proxy that shares nothing; <c>REDIS_ENABLED</c> shares them through Redis.
/// </summary>
internal static class CoordinationServices
{
    public static IServiceCollection AddCoordination(this IServiceCollection services, ProxySettings settings)
    {
        services.AddSingleton(sp => new ClusterSelf(sp.GetRequiredService<InstanceInfo>(), sp.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()));
        services.AddSingleton<ClusterChannels>();
        services.AddSingleton<RequestedChannels>();
        services.AddSingleton<RemoteClients>();
        services.AddSingleton(ProviderLimitOptions.From(settings));
        services.AddSingleton(sp => new ProviderLimits(
            sp.GetRequiredService<ProviderLimitOptions>(), sp.GetRequiredService<IConnectionSlots>(), sp.GetRequiredService<IStreamDirectory>(), sp.GetRequiredService<StreamLifecycle>(),
            sp.GetRequiredService<LiveChannelRegistry>, sp.GetRequiredService<InstanceInfo>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ProviderLimits>>()));
        if (settings.RedisEnabled)
        {
            return services.AddRedisCoordination(settings);
        }

        services.AddSingleton(new InstanceInfo(WorkerIdOf(settings), AdvertiseUrl: null));
        services.AddSingleton<IChannelOwnership, LocalChannelOwnership>();
        services.AddSingleton<IConnectionSlots, LocalConnectionSlots>();
        services.AddSingleton<IClusterSecret, NoClusterSecret>();
        services.AddSingleton<IClusterCommands, LocalClusterCommands>();
        services.AddSingleton<IWebhookDirectory, LocalWebhookDirectory>();
        services.AddSingleton<IStreamAnnouncements, AnnounceEverything>();
        services.AddSingleton<IStreamDirectory, LocalStreamDirectory>();
        services.AddSingleton<IClusterStatus, LocalClusterStatus>();
        return services;
    }

    /// <summary>Streams created on other instances are found before the endpoint runs (a cluster only).</summary>
    public static IApplicationBuilder UseCoordination(this IApplicationBuilder app)
        => app.ApplicationServices.GetRequiredService<IStreamDirectory>() is LocalStreamDirectory ? app : app.UseMiddleware<StreamReadThrough>();

    /// <summary><c>WORKER_ID</c>, or <c>single</c> as the reference names an instance without one.</summary>
    public static string WorkerIdOf(ProxySettings settings) => settings.WorkerId.Length > 0 ? settings.WorkerId : "single";
}
