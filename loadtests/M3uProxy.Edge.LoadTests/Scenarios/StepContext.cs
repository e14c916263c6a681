using M3uProxy.Edge.LoadTests.Measure;

namespace M3uProxy.Edge.LoadTests.Scenarios;

/// <summary>What every step of a run shares: the HTTP client, the measured process, the thresholds.</summary>
internal sealed record StepContext(HttpClient Http, ProcessTree? Target, TimeSpan StallThreshold, string? OriginLog, TextWriter Log);
