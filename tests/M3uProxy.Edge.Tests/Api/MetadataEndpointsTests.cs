using M3uProxy.Edge.Clients;
using M3uProxy.Edge.Events;
using M3uProxy.Edge.Tests.Infrastructure;

namespace M3uProxy.Edge.Tests.Api;

/// <summary>The queries m3u-editor counts provider connections with (seed-spec §2.3, §16).</summary>
public sealed class MetadataEndpointsTests
{
    private static readonly ClientIdentity _viewer = new("10.0.0.9", "Kodi", null);

    /// <summary>Three streams of playlist p1 (two watched), one of p2 (watched).</summary>
    private static async Task<ProxyHost> StartWithStreamsAsync()
    {
        var host = await ProxyHost.StartAsync();
        await host.CreateStreamAsync(new { url = "http://p.example/live/1.ts", metadata = new { id = 1, playlist_uuid = "p1", provider_profile_id = 3 } });
        await host.CreateStreamAsync(new { url = "http://p.example/live/2.ts", metadata = new { id = 2, playlist_uuid = "p1", provider_profile_id = 3 } });
        await host.CreateStreamAsync(new { url = "http://p.example/live/3.ts", metadata = new { id = 3, playlist_uuid = "p1", provider_profile_id = 7 } });
        await host.CreateStreamAsync(new { url = "http://q.example/live/4.ts", metadata = new { id = 4, playlist_uuid = "p2", provider_profile_id = 9 } });
        Watch(host, "1.ts", "client_a");
        Watch(host, "2.ts", "client_b");
        Watch(host, "4.ts", "client_c");
        return host;
    }

    private static void Watch(ProxyHost host, string urlEnd, string clientId)
    {
        var stream = host.Lifecycle.Streams.Snapshot().Single(s => s.Definition.Url.EndsWith(urlEnd, StringComparison.Ordinal));
        Assert.NotNull(host.Lifecycle.RegisterClient(stream, clientId, _viewer));
    }

    [Fact]
    public async Task ByMetadata_ActiveOnlyByDefault_WithReferenceShape()
    {
        await using var host = await StartWithStreamsAsync();
        var (status, body, _) = await host.GetAsync("streams/by-metadata?field=playlist_uuid&value=p1");

        Assert.Equal(200, status);
        Assert.Equal(["filter", "active_only", "matching_streams", "total_matching", "total_clients"], body!.AsObject().Select(p => p.Key));
        Assert.Equal("playlist_uuid", (string?)body["filter"]!["field"]);
        Assert.True((bool)body["active_only"]!);
        Assert.Equal(2, (int?)body["total_matching"]);
        Assert.Equal(2, (int?)body["total_clients"]);
        var first = body["matching_streams"]![0]!.AsObject();
        Assert.Equal(["stream_id", "client_count", "metadata", "last_access", "is_active", "url", "stream_type"], first.Select(p => p.Key));
        Assert.Equal("3", (string?)first["metadata"]!["provider_profile_id"]);
    }

    [Fact]
    public async Task ByMetadata_ActiveOnlyFalse_IncludesIdleStreams_AndEmptyValueMatchesMissingField()
    {
        await using var host = await StartWithStreamsAsync();

        Assert.Equal(3, (int?)(await host.GetAsync("streams/by-metadata?field=playlist_uuid&value=p1&active_only=false")).Body!["total_matching"]);
        Assert.Equal(4, (int?)(await host.GetAsync("streams/by-metadata?field=nothing&value=&active_only=false")).Body!["total_matching"]);
    }

    [Fact]
    public async Task CountsByMetadata_CountsEveryRequestedValue()
    {
        await using var host = await StartWithStreamsAsync();
        var (_, body, _) = await host.GetAsync("streams/counts-by-metadata?field=provider_profile_id&values=3,%207,9,,42");

        Assert.Equal("provider_profile_id", (string?)body!["field"]);
        var counts = body["counts"]!.AsObject();
        Assert.Equal(["3", "7", "9", "42"], counts.Select(p => p.Key));
        Assert.Equal(2, (int?)counts["3"]);
        Assert.Equal(0, (int?)counts["7"]);
        Assert.Equal(1, (int?)counts["9"]);
        Assert.Equal(0, (int?)counts["42"]);

        var (_, all, _) = await host.GetAsync("streams/counts-by-metadata?field=provider_profile_id&values=7&active_only=false");
        Assert.Equal(1, (int?)all!["counts"]!["7"]);
    }

    [Fact]
    public async Task DeleteByMetadata_ExcludesChannel_AndEmitsOneStopEach()
    {
        await using var host = await StartWithStreamsAsync();
        var (status, body, _) = await host.SendAsync(HttpMethod.Delete, "streams/by-metadata?field=playlist_uuid&value=p1&exclude_channel_id=2");

        Assert.Equal(200, status);
        Assert.Equal("Deleted 2 stream(s) matching playlist_uuid=p1", (string?)body!["message"]);
        Assert.Equal(2, (int?)body["deleted_count"]);
        var skipped = body["skipped_streams"]!.AsArray().Single()!;
        Assert.Equal("excluded_by_channel_id", (string?)skipped["reason"]);
        Assert.False(skipped.AsObject().ContainsKey("active_clients"));

        var stops = host.EventsOf(EventType.StreamStopped);
        Assert.Equal(2, stops.Count);
        Assert.All(stops, e => Assert.Equal("metadata_filter_deletion", (string?)e.Data["reason"]));
        Assert.All(stops, e => Assert.Equal("playlist_uuid", (string?)e.Data["filter_field"]));
        Assert.Equal(2, host.Lifecycle.Streams.Snapshot().Count);
    }

    [Fact]
    public async Task DeleteByMetadata_ForceFalse_SkipsWatchedStreams_ButLetsTheCallerLeave()
    {
        await using var host = await StartWithStreamsAsync();
        Watch(host, "2.ts", "client_d");

        // client_b leaves stream 2; client_d still watches it. Stream 1 is watched by client_a only.
        var (_, body, _) = await host.SendAsync(HttpMethod.Delete, "streams/by-metadata?field=playlist_uuid&value=p1&force=false&client_id=client_b");

        var deleted = body!["deleted_streams"]!.AsArray().Select(n => (string?)n).ToList();
        var skipped = body["skipped_streams"]!.AsArray();
        Assert.Single(deleted); // stream 3: nobody watches it
        Assert.Equal(2, skipped.Count);
        Assert.All(skipped, s => Assert.Equal("has_active_clients", (string?)s!["reason"]));
        Assert.Contains(skipped, s => (int?)s!["active_clients"] == 1);
        Assert.False(host.Lifecycle.Clients.TryGet("client_b", out _));
        Assert.True(host.Lifecycle.Clients.TryGet("client_d", out _));
    }

    [Fact]
    public async Task DeleteOldest_RemovesOnlyTheOldestMatch()
    {
        await using var host = await StartWithStreamsAsync();
        var (_, body, _) = await host.SendAsync(HttpMethod.Delete, "streams/oldest-by-metadata?field=playlist_uuid&value=p1&exclude_channel_id=1");

        Assert.Equal("Deleted oldest stream matching playlist_uuid=p1", (string?)body!["message"]);
        Assert.Equal(1, (int?)body["deleted_count"]);
        Assert.True((double?)body["stream_age_seconds"] >= 0);
        var stop = Assert.Single(host.EventsOf(EventType.StreamStopped));
        Assert.Equal("oldest_stream_deletion", (string?)stop.Data["reason"]);
        Assert.Equal("2", (string?)stop.Data["metadata"]!["id"]);
        Assert.Equal((string?)body["deleted_stream"], stop.StreamId);
    }

    [Fact]
    public async Task DeleteOldest_NoMatch_HasNullStream()
    {
        await using var host = await StartWithStreamsAsync();
        var (status, body, _) = await host.SendAsync(HttpMethod.Delete, "streams/oldest-by-metadata?field=playlist_uuid&value=zzz");

        Assert.Equal(200, status);
        Assert.Equal(["message", "deleted_stream", "deleted_count"], body!.AsObject().Select(p => p.Key));
        Assert.Null(body["deleted_stream"]);
        Assert.Equal(0, (int?)body["deleted_count"]);
    }
}
