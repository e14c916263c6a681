using System.Text.Json;
using M3uProxy.Edge.Failover;
using M3uProxy.Edge.Streams;
using Microsoft.Extensions.Time.Testing;

namespace M3uProxy.Edge.Tests.Streams;

public sealed class SharedStreamTests
{
    private static StreamDefinition Definition(string url = "http://a/live/1.ts") => new(
        url, ["http://b/1.ts", "http://c/1.ts"], null, "ua", new Dictionary<string, string> { ["X-Key"] = "k" },
        new Dictionary<string, string> { ["provider_profile_id"] = "7" }, true, false, new SilenceOverrides(true, -50, null, null, 3, null));

    [Fact]
    public void DefinitionAndPosition_SurviveAJsonRoundTrip()
    {
        var time = new FakeTimeProvider();
        var stream = new StreamRecord(Definition(), time.GetUtcNow());
        var sources = new StreamSources(stream, time);
        sources.TryAdvance(sources.Version, "test");
        sources.CoolDown("http://c/1.ts", TimeSpan.FromSeconds(30));
        sources.SetState(SourceState.Streaming);
        sources.NoteOrigin(new VariantOrigin("http://a/master.m3u8", 2));

        var json = JsonSerializer.Serialize(stream.Shared, StreamJsonContext.Default.SharedStream);
        var back = JsonSerializer.Deserialize(json, StreamJsonContext.Default.SharedStream)!;

        Assert.Equal(stream.Id, back.Definition.Id);
        Assert.Equal(stream.Definition.FailoverUrls, back.Definition.FailoverUrls);
        Assert.Equal("k", back.Definition.Headers["X-Key"]);
        Assert.Equal("7", back.Definition.Metadata["provider_profile_id"]);
        Assert.Equal(stream.Definition.Silence, back.Definition.Silence);
        Assert.True(back.Definition.StrictLiveTs);
        Assert.Equal("http://b/1.ts", back.Failover.CurrentUrl);
        Assert.Equal(0, back.Failover.Index);
        Assert.Equal(1, back.Failover.Attempts);
        Assert.Equal(stream.Failover.Version, back.Failover.Version);
        Assert.Equal(SourceState.Streaming, back.Failover.SourceState);
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromSeconds(30), back.Failover.CoolingUntil["http://c/1.ts"]);
        Assert.Equal(new VariantOrigin("http://a/master.m3u8", 2), back.Failover.Origin);
        Assert.Contains("\"source_state\":\"Streaming\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Recycle_StartsFailoverOver_ButKeepsTheVersionARunningChannelFollows()
    {
        var time = new FakeTimeProvider();
        var stream = new StreamRecord(Definition(), time.GetUtcNow());
        var sources = new StreamSources(stream, time);
        sources.TryAdvance(sources.Version, "test");
        var version = sources.Version;

        stream.Reconfigure(Definition() with { UserAgent = "other" });

        Assert.Equal("other", stream.Definition.UserAgent);
        Assert.Null(stream.Failover.CurrentUrl);
        Assert.Equal(-1, stream.Failover.Index);
        Assert.Equal(0, stream.Failover.Attempts);
        Assert.Equal(version, stream.Failover.Version);
    }

    [Fact]
    public void AStalePosition_IsNeverWrittenBack()
    {
        var time = new FakeTimeProvider();
        var stream = new StreamRecord(Definition(), time.GetUtcNow());
        var seen = stream.Failover;
        new StreamSources(stream, time).TryAdvance(seen.Version, "test");

        Assert.False(stream.TryReplaceFailover(seen, seen with { Attempts = 42 }));
        Assert.Equal(1, stream.Failover.Attempts);
    }
}
