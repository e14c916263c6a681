using M3uProxy.Edge.Broadcast;

namespace M3uProxy.Edge.Tests.Broadcast;

/// <summary>The answers that need no ffmpeg: validation, unknown networks, traversal, and the folder clean-ups.</summary>
public sealed class BroadcastApiTests
{
    [Theory]
    [InlineData("{}", "missing", "stream_url")]
    [InlineData("""{"stream_url":"file:///etc/passwd"}""", "value_error", "stream_url")]
    [InlineData("""{"stream_url":"http://127.0.0.1:9/a.ts","callback_url":"ftp://127.0.0.1/x"}""", "value_error", "callback_url")]
    [InlineData("""{"stream_url":"http://127.0.0.1:9/a.ts","video_codec":"-i /etc/passwd"}""", "value_error", "video_codec")]
    [InlineData("""{"stream_url":"http://127.0.0.1:9/a.ts","video_resolution":"big"}""", "value_error", "video_resolution")]
    [InlineData("""{"stream_url":"http://127.0.0.1:9/a.ts","segment_duration":0}""", "greater_than_equal", "segment_duration")]
    [InlineData("""{"stream_url":"http://127.0.0.1:9/a.ts","seek_seconds":"x"}""", "int_parsing", "seek_seconds")]
    [InlineData("""{"stream_url":"http://127.0.0.1:9/a.ts","headers":{"Bad Name":"x"}}""", "value_error", "headers")]
    [InlineData("""{"stream_url":"http://127.0.0.1:9/a.ts","metadata":[1]}""", "dict_type", "metadata")]
    public async Task Start_WithABadBody_Answers422_InTheReferenceShape(string json, string type, string field)
    {
        await using var sandbox = await BroadcastSandbox.StartAsync();
        var (status, body, _) = await sandbox.Proxy.SendAsync(HttpMethod.Post, "broadcast/n1/start", json: json);

        Assert.Equal(422, status);
        var error = body!["detail"]!.AsArray()[0]!;
        Assert.Equal(type, (string?)error["type"]);
        Assert.Equal(field, (string?)error["loc"]![1]);
        Assert.False(Directory.Exists(sandbox.Folder("n1")));
    }

    [Fact]
    public async Task UnknownNetwork_Answers404_WithTheReferenceMessages()
    {
        await using var sandbox = await BroadcastSandbox.StartAsync();
        var proxy = sandbox.Proxy;

        Assert.Equal("Broadcast not found", (await proxy.GetAsync("broadcast/nope/status")).Body!["detail"]!.GetValue<string>());
        var stop = await proxy.SendAsync(HttpMethod.Post, "broadcast/nope/stop");
        Assert.Equal((404, "Broadcast not found"), (stop.Status, (string?)stop.Body!["detail"]));
        Assert.Equal((404, "Playlist not available"), await DetailAsync(proxy, "broadcast/nope/live.m3u8"));
        Assert.Equal((404, "Segment not found"), await DetailAsync(proxy, "broadcast/nope/segment/live000001.ts"));
        var list = (await proxy.GetAsync("broadcast")).Body!;
        Assert.Equal(0, (int)list["count"]!);
        Assert.Empty(list["broadcasts"]!.AsArray());
    }

    [Theory]
    [InlineData("broadcast/n1/segment/..%2F..%2Fsecret.ts")]
    [InlineData("broadcast/n1/segment/..%5Csecret.ts")]
    [InlineData("broadcast/n1/segment/%2E%2E%2Fsecret.ts")]
    [InlineData("broadcast/n1/segment/.secret.ts")]
    [InlineData("broadcast/n1/segment/secret.ts%00.ts")]
    [InlineData("broadcast/..%2Fbroadcast_n1/segment/live000000.ts")]
    [InlineData("broadcast/..%2F..%2Fsecret/live.m3u8")]
    public async Task TraversalAttempts_NeverServeAnotherFile(string path)
    {
        await using var sandbox = await BroadcastSandbox.StartAsync();
        var folder = sandbox.Folder("n1");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(sandbox.BroadcastDirectory, "secret.ts"), "SECRET", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(sandbox.Root, "secret.ts"), "SECRET", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(folder, ".secret.ts"), "SECRET", TestContext.Current.CancellationToken);

        using var response = await sandbox.Proxy.Client.GetAsync(path, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.True((int)response.StatusCode is 400 or 404, $"{path}: {(int)response.StatusCode} {text}");
        Assert.DoesNotContain("SECRET", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASegmentNameThatIsNotTs_Is404_AndAPlainSegmentIsServed()
    {
        await using var sandbox = await BroadcastSandbox.StartAsync();
        var folder = sandbox.Folder("n1");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "live.m3u8"), "#EXTM3U\n", TestContext.Current.CancellationToken);
        await File.WriteAllBytesAsync(Path.Combine(folder, "live000003.ts"), [0x47, 1, 2, 3], TestContext.Current.CancellationToken);

        Assert.Equal((404, "Segment not found"), await DetailAsync(sandbox.Proxy, "broadcast/n1/segment/live.m3u8"));
        using var response = await sandbox.Proxy.Client.GetAsync("broadcast/n1/segment/live000003.ts", TestContext.Current.CancellationToken);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("video/MP2T", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("max-age=86400", response.Headers.CacheControl!.ToString());
        Assert.Equal([0x47, 1, 2, 3], await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));

        // A finished network's playlist stays served from its folder, with the reference's headers.
        using var playlist = await sandbox.Proxy.Client.GetAsync("broadcast/n1/live.m3u8", TestContext.Current.CancellationToken);
        Assert.Equal("application/vnd.apple.mpegurl", playlist.Content.Headers.ContentType!.MediaType);
        Assert.Equal("*", playlist.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.True(playlist.Headers.CacheControl!.NoStore);
    }

    [Fact]
    public async Task InvalidNetworkIds_Answer400()
    {
        await using var sandbox = await BroadcastSandbox.StartAsync();
        var (status, body, _) = await sandbox.Proxy.SendAsync(HttpMethod.Post, "broadcast/..%2Fx/start", json: """{"stream_url":"http://127.0.0.1:9/a.ts"}""");
        Assert.Equal(400, status);
        Assert.StartsWith("Invalid network id", (string?)body!["detail"], StringComparison.Ordinal);
        Assert.Equal(400, (await sandbox.Proxy.SendAsync(HttpMethod.Delete, "broadcast/.hidden")).Status);
    }

    [Fact]
    public async Task LeftoversOfAPreviousRun_AreRemovedAtStartUp_EvenWhenNotEmpty_ButDvrFoldersStay()
    {
        await using var sandbox = await BroadcastSandbox.StartAsync(prepare: root =>
        {
            var leftover = Path.Combine(root, "broadcasts", "broadcast_old", "nested");
            Directory.CreateDirectory(leftover);
            File.WriteAllText(Path.Combine(leftover, "..", "live000001.ts"), "x");
            File.WriteAllText(Path.Combine(leftover, "x.tmp"), "x");
            Directory.CreateDirectory(Path.Combine(root, "dvr", "broadcast_rec"));
            File.WriteAllText(Path.Combine(root, "dvr", "broadcast_rec", "live000001.ts"), "x");
            File.WriteAllText(Path.Combine(root, "broadcasts", "keep.txt"), "not ours");
        });

        Assert.False(Directory.Exists(sandbox.Folder("old")));
        Assert.True(File.Exists(Path.Combine(sandbox.Folder("rec", dvr: true), "live000001.ts")));
        Assert.True(File.Exists(Path.Combine(sandbox.BroadcastDirectory, "keep.txt")));
    }

    [Fact]
    public async Task AFolderAnotherRunningProxyMarkedAsItsOwn_IsNoLeftover_ButAMarkOfADeadOneIsIgnored()
    {
        // Another proxy sharing the broadcast folder (same host, same default folder) is "sleep":
        // alive, with the pid and start time its .owner mark names.
        using var other = System.Diagnostics.Process.Start("sleep", "60");
        try
        {
            var stat = await File.ReadAllTextAsync($"/proc/{other.Id}/stat", TestContext.Current.CancellationToken);
            var startTime = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19];
            await using var sandbox = await BroadcastSandbox.StartAsync(prepare: root =>
            {
                foreach (var (id, owner) in new[] { ("playing", $"{other.Id}-{startTime}"), ("crashed", $"{other.Id}-1") })
                {
                    var folder = Path.Combine(root, "broadcasts", "broadcast_" + id);
                    Directory.CreateDirectory(folder);
                    File.WriteAllText(Path.Combine(folder, "live000001.ts"), "x");
                    File.WriteAllText(Path.Combine(folder, ".owner"), owner);
                }
            });

            Assert.True(File.Exists(Path.Combine(sandbox.Folder("playing"), "live000001.ts")));
            Assert.False(Directory.Exists(sandbox.Folder("crashed"))); // a reused pid with another start time is not its owner
        }
        finally
        {
            other.Kill();
        }
    }

    [Fact]
    public async Task Delete_RemovesTheFolder_AndTheGcRemovesOldUnlistedFolders()
    {
        await using var sandbox = await BroadcastSandbox.StartAsync(new() { ["HLS_GC_AGE_THRESHOLD"] = "600" });
        foreach (var id in new[] { "gone", "aged", "fresh" })
        {
            Directory.CreateDirectory(sandbox.Folder(id));
            await File.WriteAllTextAsync(Path.Combine(sandbox.Folder(id), "live000001.ts"), "x", TestContext.Current.CancellationToken);
        }

        var (status, body, _) = await sandbox.Proxy.SendAsync(HttpMethod.Delete, "broadcast/gone");
        Assert.Equal(200, status);
        Assert.Equal("Broadcast gone cleaned up successfully", (string?)body!["message"]);
        Assert.False(Directory.Exists(sandbox.Folder("gone")));

        Directory.SetLastWriteTimeUtc(sandbox.Folder("aged"), DateTime.UtcNow.AddHours(-1));
        sandbox.Proxy.Services.GetRequiredService<BroadcastRegistry>().CollectGarbage();
        Assert.False(Directory.Exists(sandbox.Folder("aged")));
        Assert.True(Directory.Exists(sandbox.Folder("fresh")));
    }

    private static async Task<(int, string?)> DetailAsync(Infrastructure.ProxyHost proxy, string path)
    {
        var (status, body, _) = await proxy.GetAsync(path);
        return (status, (string?)body?["detail"]);
    }
}
