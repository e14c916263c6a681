namespace M3uProxy.Edge.Configuration;

/// <summary>
/// One environment variable: its name, the names that take precedence over it, its kind, default
/// and meaning. <see cref="SettingsCatalog"/> lists them all.
/// </summary>
internal sealed record SettingDefinition(
    string Name,
    SettingKind Kind,
    string Default,
    string Description,
    string Group)
{
    /// <summary>Variables read before <see cref="Name"/> (e.g. <c>M3U_PROXY_PORT</c> before <c>PORT</c>).</summary>
    public IReadOnlyList<string> PreferredAliases { get; init; } = [];

    public double Minimum { get; init; } = double.MinValue;

    public double Maximum { get; init; } = double.MaxValue;

    /// <summary>The words a <see cref="SettingKind.Choice"/> accepts.</summary>
    public IReadOnlyList<string> Choices { get; init; } = [];

    /// <summary>Set when the variable is accepted for compatibility but changes nothing here yet.</summary>
    public string? InactiveUntil { get; init; }

    public bool IsSecret => Kind == SettingKind.Secret;
}
