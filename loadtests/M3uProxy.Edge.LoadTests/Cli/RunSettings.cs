namespace M3uProxy.Edge.LoadTests.Cli;

/// <summary>Everything one invocation was asked to do (the command line, parsed).</summary>
internal sealed record RunSettings(
    string Scenario,
    string Name,
    string Target,
    Uri Origin,
    string Path,
    IReadOnlyList<int> Clients,
    TimeSpan Duration,
    TimeSpan Ramp,
    TimeSpan StallThreshold,
    int? Pid,
    string? OriginLog,
    string? ApiToken,
    string? Out)
{
    /// <summary>Repetitions of every step; the report keeps the one with the median throughput.</summary>
    public int Reps { get; init; } = 1;

    /// <summary>Zapping: how many channels viewers rotate through.</summary>
    public int Channels { get; init; } = 8;

    /// <summary>Zapping: how long a viewer stays on a channel.</summary>
    public TimeSpan SwitchEvery { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Failover: how often the switch is requested.</summary>
    public TimeSpan FailoverEvery { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>An origin URL on the configured origin (the path may carry a query).</summary>
    public Uri OriginUrl(string query) =>
        new(Origin, Path + (query.Length == 0 ? "" : (Path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query));
}
