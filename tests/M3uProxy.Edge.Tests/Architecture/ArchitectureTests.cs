namespace M3uProxy.Edge.Tests.Architecture;

/// <summary>
/// The rules of docs/architecture.md, checked on the compiled server: dependencies point one way,
/// the fan-out sits at the bottom, no feature reaches into the composition root, and only
/// <c>Tools/</c> starts processes.
/// </summary>
public sealed class ArchitectureTests
{
    private static readonly string[] _aboveFanOut =
        ["Failover", "Monitoring", "Transcoding", "Broadcast", "Coordination", "Api", "Hls", "Playback", "Webhooks", "Metrics"];

    private static FolderGraph Graph => FolderGraph.Server;

    [Fact]
    public void Graph_SeesTheKnownDependencies()
    {
        // Guards the reader itself: an empty graph would pass every rule below.
        Assert.True(Graph.DependsOn("Playback", "FanOut"));
        Assert.True(Graph.DependsOn("Hls", "Upstream"));
        Assert.True(Graph.DependsOn("Hosting", "Webhooks"));
        Assert.True(Graph.DependsOn("FanOut", "Streams"));
        Assert.True(Graph.DependsOn("(root)", "Hosting"));
    }

    [Fact]
    public void FanOut_DependsOnNothingAboveIt()
    {
        var violations = _aboveFanOut.Where(f => Graph.DependsOn("FanOut", f)).Select(f => Graph.Why("FanOut", f)).ToList();
        Assert.True(violations.Count == 0, "FanOut must not depend on: " + string.Join("; ", violations));
    }

    [Fact]
    public void Folders_DependOnEachOtherOnlyOneWay()
    {
        var circles = Graph.Folders
            .SelectMany(a => Graph.DependenciesOf(a).Where(b => string.CompareOrdinal(a, b) < 0 && Graph.DependsOn(b, a))
                .Select(b => Graph.Why(a, b) + " and " + Graph.Why(b, a)))
            .ToList();
        Assert.True(circles.Count == 0, "Two-way folder dependencies: " + string.Join("; ", circles));
    }

    [Fact]
    public void FeatureFolders_DoNotDependOnHosting()
    {
        // Hosting/ composes the features; only Program (the root) may use it.
        var violations = Graph.Folders.Where(f => f is not "Hosting" and not "(root)" && Graph.DependsOn(f, "Hosting"))
            .Select(f => Graph.Why(f, "Hosting")).ToList();
        Assert.True(violations.Count == 0, "Feature folders that depend on Hosting/: " + string.Join("; ", violations));
    }

    [Fact]
    public void Processes_AreStartedOnlyInTools()
    {
        var violations = Graph.ProcessUsers.Where(u => !u.StartsWith("Tools:", StringComparison.Ordinal)).ToList();
        Assert.True(violations.Count == 0, "Process or ProcessStartInfo used outside Tools/: " + string.Join("; ", violations));
    }
}
