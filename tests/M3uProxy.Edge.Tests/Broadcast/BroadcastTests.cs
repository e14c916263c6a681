namespace M3uProxy.Edge.Tests.Broadcast;

/// <summary>Broadcasts run real ffmpeg in real time: one at a time (2 cores), with loose time bounds.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BroadcastTests
{
    public const string Name = "Broadcast";
}
