using M3uProxy.Edge.Configuration;

namespace M3uProxy.Edge.Tools;

internal static class ToolsServices
{
    /// <summary>
    /// Where the external programs are, their versions asked once when first needed, the run's
    /// record of started processes (which cleans a crashed run's leftovers when first created),
    /// and the encoder choice.
    /// </summary>
    public static IServiceCollection AddTools(this IServiceCollection services)
    {
        services.AddSingleton(sp => ToolPaths.From(sp.GetRequiredService<ProxySettings>()));
        services.AddSingleton<ToolVersionProbe>();
        services.AddSingleton(sp => new ProcessLedger(ProcessLedger.WorkFolderOf(sp.GetRequiredService<ProxySettings>()), sp.GetRequiredService<ILogger<ProcessLedger>>()));
        services.AddSingleton<HardwareDetection>();
        return services;
    }
}
