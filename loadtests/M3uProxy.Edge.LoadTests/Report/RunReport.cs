namespace M3uProxy.Edge.LoadTests.Report;

/// <summary>The JSON file one invocation writes: what ran, where, and every step's numbers.</summary>
internal sealed record RunReport(
    string Name,
    string Scenario,
    string Target,
    string Origin,
    string Started,
    int Cpus,
    ulong? OpenFileLimit,
    double StallThresholdMs,
    IReadOnlyList<string> Argv,
    IReadOnlyList<StepResult> Steps);
