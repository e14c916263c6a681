namespace M3uProxy.Edge.Configuration;

/// <summary>
/// Reads every catalogued variable from the raw configuration (environment, <c>.env</c>,
/// command-line flags), honours the precedence of aliases, validates and normalizes each value,
/// and binds the result into <see cref="ProxySettings"/> through the source-generated binder.
/// </summary>
internal static class SettingsLoader
{
    /// <param name="raw">Environment variables and <c>.env</c> values.</param>
    /// <param name="overrides">Command-line flags by variable name; they win over every alias.</param>
    public static SettingsLoadResult Load(IConfiguration raw, IReadOnlyDictionary<string, string>? overrides = null)
    {
        var normalized = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var explicitlySet = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var errors = new List<string>();

        foreach (var setting in SettingsCatalog.All)
        {
            string? source = null;
            var value = overrides is not null && overrides.TryGetValue(setting.Name, out var overridden)
                ? overridden
                : FirstValue(raw, setting, out source);
            source ??= "--" + setting.Name.ToLowerInvariant();
            if (value is null)
            {
                // Defaults are written the way users write values ("INFO"); they go through the same normalizer.
                SettingValueParser.TryNormalize(setting, setting.Default, out var canonicalDefault, out _);
                normalized[setting.Name] = canonicalDefault;
                continue;
            }

            explicitlySet.Add(setting.Name);
            if (SettingValueParser.TryNormalize(setting, value, out var canonical, out var problem))
            {
                normalized[setting.Name] = canonical;
            }
            else
            {
                var shown = setting.IsSecret ? "(hidden)" : $"\"{value}\"";
                errors.Add($"{source}={shown} {problem}");
            }
        }

        if (normalized["HOST"] is { } host && !IsListenAddress(host))
        {
            errors.Add($"HOST=\"{host}\" is not a listen address (allowed: an IPv4 or IPv6 address such as 0.0.0.0 or ::, or localhost)");
        }

        var settings = new ProxySettings();
        if (errors.Count == 0)
        {
            new ConfigurationBuilder().AddInMemoryCollection(normalized).Build().Bind(settings);
        }

        return new SettingsLoadResult(settings, normalized, explicitlySet, errors);
    }

    private static bool IsListenAddress(string host)
        => host.Trim().Equals("localhost", StringComparison.OrdinalIgnoreCase) || System.Net.IPAddress.TryParse(host.Trim(), out _);

    private static string? FirstValue(IConfiguration raw, SettingDefinition setting, out string source)
    {
        foreach (var alias in setting.PreferredAliases)
        {
            if (raw[alias] is { } aliased)
            {
                source = alias;
                return aliased;
            }
        }

        source = setting.Name;
        return raw[setting.Name];
    }
}

/// <summary>The outcome of <see cref="SettingsLoader.Load"/>: settings, the effective values by name, and any errors.</summary>
internal sealed record SettingsLoadResult(
    ProxySettings Settings,
    IReadOnlyDictionary<string, string?> Effective,
    IReadOnlySet<string> ExplicitlySet,
    IReadOnlyList<string> Errors)
{
    public bool IsValid => Errors.Count == 0;

    /// <summary>The capabilities a variable asked for that this build does not run yet.</summary>
    public IEnumerable<string> RequestedInactiveCapabilities()
    {
        var capabilities = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var setting in SettingsCatalog.All)
        {
            if (setting.InactiveUntil is null || !ExplicitlySet.Contains(setting.Name))
            {
                continue;
            }

            var requested = setting.Kind == SettingKind.Bool
                ? Effective[setting.Name] == "true" && setting.Default == "false"
                : Effective[setting.Name] != setting.Default;
            if (requested)
            {
                capabilities.Add(setting.InactiveUntil);
            }
        }

        return capabilities;
    }
}
