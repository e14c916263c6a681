using M3uProxy.Edge.Configuration;

namespace M3uProxy.Edge.FanOut;

internal static class FanOutServices
{
    /// <summary>
    /// The live channels and the memory their buffers share. What feeds a channel (<see cref="IChannelSourceFactory"/>) and who watches
    /// it (<see cref="IChannelObserver"/>) are registered by the features above, never here.
    /// </summary>
    public static IServiceCollection AddFanOut(this IServiceCollection services)
    {
        services.AddSingleton(sp => new FanOutMemory(sp.GetRequiredService<ProxySettings>().LiveBufferMemoryLimit));
        services.AddSingleton<LiveChannelRegistry>();
        return services;
    }
}
