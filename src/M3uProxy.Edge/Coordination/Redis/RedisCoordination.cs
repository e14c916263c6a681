using M3uProxy.Edge.Configuration;

namespace M3uProxy.Edge.Coordination.Redis;

/// <summary>The cluster's services over Redis (<c>REDIS_ENABLED=true</c>), replacing the single-instance ones.</summary>
internal static class RedisCoordination
{
    public static IServiceCollection AddRedisCoordination(this IServiceCollection services, ProxySettings settings)
    {
        var options = RedisOptions.From(settings);
        services.AddSingleton(options);
        services.AddSingleton(new InstanceInfo(options.WorkerId, options.AdvertiseUrl));
        services.AddSingleton<RedisConnection>();
        services.AddHostedService(sp => sp.GetRequiredService<RedisConnection>());
        services.AddSingleton<IStreamDirectory, RedisStreamDirectory>();
        services.AddSingleton<RedisChannelOwnership>();
        services.AddSingleton<IChannelOwnership>(sp => sp.GetRequiredService<RedisChannelOwnership>());
        services.AddHostedService(sp => sp.GetRequiredService<RedisChannelOwnership>());
        services.AddSingleton<IConnectionSlots, RedisConnectionSlots>();
        services.AddSingleton<IClusterSecret, RedisClusterSecret>();
        services.AddSingleton<IClusterCommands, RedisClusterCommands>();
        services.AddSingleton<RedisWebhookDirectory>();
        services.AddHostedService<RedisClientExchange>();
        services.AddSingleton<RedisStreamWatchers>();
        services.AddSingleton<IStreamAnnouncements>(sp => sp.GetRequiredService<RedisStreamWatchers>());
        services.AddHostedService(sp => sp.GetRequiredService<RedisStreamWatchers>());
        services.AddSingleton<IWebhookDirectory>(sp => sp.GetRequiredService<RedisWebhookDirectory>());
        services.AddHostedService<RedisStreamChanges>();
        services.AddSingleton<RedisStreamKeeper>();
        services.AddSingleton<IClusterStatus>(sp => sp.GetRequiredService<RedisStreamKeeper>());
        services.AddHostedService(sp => sp.GetRequiredService<RedisStreamKeeper>());
        return services;
    }
}
