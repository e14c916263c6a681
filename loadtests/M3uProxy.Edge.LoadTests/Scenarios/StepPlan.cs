using M3uProxy.Edge.LoadTests.Targets;

namespace M3uProxy.Edge.LoadTests.Scenarios;

/// <summary>One measured step of a scenario: N clients, how they start, what each plays.</summary>
internal sealed record StepPlan(int Clients, TimeSpan Ramp, TimeSpan Window, Func<int, int, PlaybackUrl> UrlFor)
{
    /// <summary>Zapping: a client leaves its channel after this long and plays the next URL.</summary>
    public TimeSpan? SwitchEvery { get; init; }

    /// <summary>Live: a response that ends by itself is a drop (downloads just start the next one).</summary>
    public bool EndIsDrop { get; init; }

    /// <summary>
    /// A viewer that joins 2 s before the others and is not counted, so that the memory baseline
    /// already holds the channel's shared buffer ("memory per viewer beyond the shared buffer").
    /// </summary>
    public PlaybackUrl? Anchor { get; init; }

    /// <summary>Runs during the measurement window (the failover trigger).</summary>
    public Func<CancellationToken, Task>? During { get; init; }
}
