using System.Globalization;
using M3uProxy.Edge.Configuration;

namespace M3uProxy.Edge.Coordination;

/// <summary>What happens when a provider's connections are all taken.</summary>
internal enum ProviderLimitPolicy
{
    /// <summary>"Latest wins": the oldest lowest-priority stream of that provider is stopped.</summary>
    Preempt,

    /// <summary>The new viewer gets 503 with a JSON reason.</summary>
    Refuse,
}

/// <summary>
/// Provider connection limits, read once: <c>PROVIDER_MAX_CONNECTIONS</c> (0 = off),
/// <c>PROVIDER_LIMITS</c> (per-provider overrides, <c>key=n,key=n</c>), <c>PROVIDER_KEY_FIELD</c>
/// (a metadata field naming the provider; else the upstream's host:port) and
/// <c>PROVIDER_LIMIT_POLICY</c>.
/// </summary>
internal sealed record ProviderLimitOptions(int MaxConnections, IReadOnlyDictionary<string, int> Overrides, string? KeyField, ProviderLimitPolicy Policy)
{
    /// <summary>How long a new connection waits for a slot a closing stream gives back (a zap or a seek) before the policy applies.</summary>
    public static TimeSpan Grace { get; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a new connection waits for a preempted stream to close its upstream.</summary>
    public static TimeSpan PreemptWait { get; } = TimeSpan.FromSeconds(5);

    public bool Enabled => MaxConnections > 0 || Overrides.Count > 0;

    public static ProviderLimitOptions From(ProxySettings settings) => new(
        settings.ProviderMaxConnections,
        ParseOverrides(settings.ProviderLimits),
        settings.ProviderKeyField.Length > 0 ? settings.ProviderKeyField : null,
        settings.ProviderLimitPolicy == "refuse" ? ProviderLimitPolicy.Refuse : ProviderLimitPolicy.Preempt);

    /// <summary>The limit of one provider (0: unlimited).</summary>
    public int LimitOf(string provider) => Overrides.TryGetValue(provider, out var limit) ? limit : MaxConnections;

    /// <summary><c>key=n,key=n</c>; the key may itself contain <c>:</c> (host:port).</summary>
    public static Dictionary<string, int> ParseOverrides(string text)
    {
        var overrides = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = entry.LastIndexOf('=');
            if (equals <= 0 || !int.TryParse(entry.AsSpan(equals + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var limit))
            {
                throw new InvalidOperationException($"PROVIDER_LIMITS: '{entry}' is not provider=number");
            }

            overrides[entry[..equals].Trim()] = limit;
        }

        return overrides;
    }
}
