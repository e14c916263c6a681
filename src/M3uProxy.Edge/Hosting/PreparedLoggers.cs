using M3uProxy.Edge.Broadcast;
using M3uProxy.Edge.Coordination;
using M3uProxy.Edge.Events;
using M3uProxy.Edge.Failover;
using M3uProxy.Edge.FanOut;
using M3uProxy.Edge.Hls;
using M3uProxy.Edge.Http;
using M3uProxy.Edge.Lifecycle;
using M3uProxy.Edge.Monitoring;
using M3uProxy.Edge.Packaging;
using M3uProxy.Edge.Playback;
using M3uProxy.Edge.Tools;
using M3uProxy.Edge.Webhooks;

namespace M3uProxy.Edge.Hosting;

/// <summary>
/// The <c>ILogger&lt;T&gt;</c> of each of our services, registered as closed types. Resolved from
/// the open <c>ILogger&lt;&gt;</c> instead, every one is a <c>Logger&lt;T&gt;</c> that Native AOT
/// builds at run time (its type loader) and constructs by reflection: at start-up that was a large
/// part of the CPU spent building the services. Same loggers, same categories; a service missing
/// here still gets its logger from the open registration, only slower.
/// </summary>
internal static class PreparedLoggers
{
    public static IServiceCollection AddPreparedLoggers(this IServiceCollection services)
    {
        Add<StreamLifecycle>(services);
        Add<StreamReaper>(services);
        Add<EventBus>(services);
        Add<ShutdownDrain>(services);
        Add<ProcessLedger>(services);
        Add<HardwareDetection>(services);
        Add<ProviderLimits>(services);
        Add<ClusterChannels>(services);
        Add<LiveChannel>(services);
        Add<ChannelWatch>(services);
        Add<FailoverResolver>(services);
        Add<LiveDelivery>(services);
        Add<VodDelivery>(services);
        Add<PlaylistSource>(services);
        Add<LivePackager>(services);
        Add<WebhookSender>(services);
        Add<WebhookRegistry>(services);
        Add<WebhookSync>(services);
        Add<BroadcastCallbackSender>(services);
        Add<BroadcastRegistry>(services);
        Add<ErrorBodyMiddleware>(services);
        Add<IdleMemoryRelease>(services);
        Add<Microsoft.AspNetCore.HostFiltering.HostFilteringMiddleware>(services);
        return services;
    }

    private static void Add<T>(IServiceCollection services)
        => services.AddSingleton<ILogger<T>>(sp => new Logger<T>(sp.GetRequiredService<ILoggerFactory>()));
}
