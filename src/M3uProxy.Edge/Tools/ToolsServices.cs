using M3uProxy.Edge.Configuration;

namespace M3uProxy.Edge.Tools;

internal static class ToolsServices
{
    /// <summary>Where the external programs are, and their versions asked once when first needed.</summary>
    public static IServiceCollection AddTools(this IServiceCollection services)
    {
        services.AddSingleton(sp => ToolPaths.From(sp.GetRequiredService<ProxySettings>()));
        services.AddSingleton<ToolVersionProbe>();
        return services;
    }
}
