using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Diagnostics.Metrics;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace M3uProxy.Edge.Hosting;

/// <summary>
/// The options services that the host, Kestrel, routing and the console logger resolve at
/// start-up, registered as closed types. From the open <c>IOptions&lt;&gt;</c>,
/// <c>IOptionsMonitor&lt;&gt;</c>, <c>IOptionsFactory&lt;&gt;</c> and <c>IOptionsMonitorCache&lt;&gt;</c>
/// each is a generic type that Native AOT builds at run time and constructs by reflection (about
/// sixty of them before the first request). The same framework classes do the same work:
/// <see cref="OptionsManager{TOptions}"/> stands for the framework's internal unnamed manager, which
/// answers the same unnamed value, made once.
/// </summary>
internal static class PreparedOptions
{
    public static IServiceCollection AddPreparedOptions(this IServiceCollection services)
    {
        Monitored<ConsoleLoggerOptions>(services);
        Monitored<SimpleConsoleFormatterOptions>(services);
        Monitored<JsonConsoleFormatterOptions>(services);
        Monitored<ConsoleFormatterOptions>(services);
        Monitored<LoggerFilterOptions>(services);
        Monitored<MetricsOptions>(services);
        Monitored<HostFilteringOptions>(services);
        Unnamed<LoggerFactoryOptions>(services);
        Unnamed<ConsoleLifetimeOptions>(services);
        Unnamed<HostOptions>(services);
        Unnamed<KestrelServerOptions>(services);
        Unnamed<SocketTransportOptions>(services);
        Unnamed<RouteOptions>(services);
        Unnamed<RouteHandlerOptions>(services);
        Unnamed<FormOptions>(services);
        Unnamed<JsonOptions>(services);
        return services;
    }

    private static void Unnamed<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] T>(IServiceCollection services)
        where T : class
    {
        Factory<T>(services);
        services.AddSingleton<IOptions<T>>(sp => new OptionsManager<T>(sp.GetRequiredService<IOptionsFactory<T>>()));
    }

    private static void Monitored<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] T>(IServiceCollection services)
        where T : class
    {
        Factory<T>(services);
        services.AddSingleton<IOptionsMonitorCache<T>>(_ => new OptionsCache<T>());
        services.AddSingleton<IOptionsMonitor<T>>(sp => new OptionsMonitor<T>(
            sp.GetRequiredService<IOptionsFactory<T>>(), sp.GetServices<IOptionsChangeTokenSource<T>>(), sp.GetRequiredService<IOptionsMonitorCache<T>>()));
    }

    private static void Factory<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] T>(IServiceCollection services)
        where T : class
        => services.AddTransient<IOptionsFactory<T>>(sp => new OptionsFactory<T>(
            sp.GetServices<IConfigureOptions<T>>(), sp.GetServices<IPostConfigureOptions<T>>(), sp.GetServices<IValidateOptions<T>>()));
}
