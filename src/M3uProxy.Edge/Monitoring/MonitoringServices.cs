using M3uProxy.Edge.FanOut;

namespace M3uProxy.Edge.Monitoring;

internal static class MonitoringServices
{
    /// <summary>The health watches, told by the fan-out when a channel starts.</summary>
    public static IServiceCollection AddMonitoring(this IServiceCollection services)
    {
        services.AddSingleton<ChannelMonitors>();
        services.AddSingleton<IChannelObserver>(sp => sp.GetRequiredService<ChannelMonitors>());
        return services;
    }
}
