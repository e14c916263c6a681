using M3uProxy.Edge.Configuration;

namespace M3uProxy.Edge.Hosting;

/// <summary>
/// One "name: state" item of the start-up banner, described once the server listens. The
/// composition root adds one per feature (transcoding and its hardware, Redis, …) with
/// <see cref="BannerFacts.AddBannerFact"/>; features themselves never see the banner.
/// </summary>
internal sealed record BannerFact(string Name, Func<IServiceProvider, string> Describe);

internal static class BannerFacts
{
    /// <summary>The facts known today; later features replace theirs by name.</summary>
    public static IServiceCollection AddStartupBanner(this IServiceCollection services, ProxySettings settings)
    {
        services.AddBannerFact("redis", _ => settings.RedisEnabled ? "REDIS_ENABLED is set but not built: one instance, in memory" : "off (one instance, in memory)");
        return services;
    }

    /// <summary>Adds (or replaces, by name) what the banner says about one feature.</summary>
    public static IServiceCollection AddBannerFact(this IServiceCollection services, string name, Func<IServiceProvider, string> describe)
    {
        var existing = services.Where(d => d.ServiceType == typeof(BannerFact) && d.ImplementationInstance is BannerFact fact && fact.Name == name).ToList();
        foreach (var descriptor in existing)
        {
            services.Remove(descriptor);
        }

        return services.AddSingleton(new BannerFact(name, describe));
    }
}
