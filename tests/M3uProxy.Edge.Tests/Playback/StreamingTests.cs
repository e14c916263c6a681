namespace M3uProxy.Edge.Tests.Playback;

/// <summary>Real-time streaming tests run one at a time (2 cores), with loose time bounds.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class StreamingTests
{
    public const string Name = "Streaming";
}
