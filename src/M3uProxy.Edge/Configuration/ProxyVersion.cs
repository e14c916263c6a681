using System.Reflection;

namespace M3uProxy.Edge.Configuration;

/// <summary>Version strings. <see cref="Api"/> is the reference API level clients feature-detect on.</summary>
internal static class ProxyVersion
{
    /// <summary>The reference version whose API this proxy implements (seed-spec: v0.4.5).</summary>
    public const string Api = "0.4.5";

    public static string Build { get; } =
        typeof(ProxyVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static string Server => $"M3uProxy.Edge {Build}";
}
