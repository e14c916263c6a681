using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Tests.Infrastructure;
using M3uProxy.Edge.Webhooks;
using Microsoft.Extensions.Time.Testing;

namespace M3uProxy.Edge.Tests.Broadcast;

/// <summary>Broadcasts with real ffmpeg on loopback: start, window, stop, transition, callbacks, failures, DVR.</summary>
[Collection(BroadcastTests.Name)]
public sealed class BroadcastPlayoutTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Start_ReturnsAtTheFirstSegment_KeepsTheWindow_AndStopsWithoutACallback()
    {
        await using var sandbox = await BroadcastSandbox.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();

        var (status, body) = await sandbox.StartAsync("n1", new { stream_url = sandbox.LiveUrl, segment_duration = 1, hls_list_size = 2, callback_url = receiver.Url("/cb") });

        Assert.True(status == 200, body.ToJsonString());
        Assert.Equal("running", (string?)body["status"]);
        Assert.Equal("broadcast_n1", (string?)body["hls_dir"]);
        Assert.Equal(0, (long)body["current_segment_number"]!);
        Assert.True((long)body["bytes_written"]! > 0);
        Assert.True((int)body["ffmpeg_pid"]! > 0);
        Assert.Null(body["error_message"]);
        Assert.EndsWith("+00:00", (string?)body["started_at"], StringComparison.Ordinal);
        Assert.DoesNotContain(sandbox.Root, body.ToJsonString(), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(sandbox.Folder("n1"), "live000000.ts")));
        var pid = (int)body["ffmpeg_pid"]!;

        var playlist = await sandbox.WaitForPlaylistAsync("n1", text => BroadcastSandbox.SegmentNumbers(text) is { Count: > 0 } n && n[^1] >= 6);
        var numbers = BroadcastSandbox.SegmentNumbers(playlist);
        Assert.Equal(2, numbers.Count);
        Assert.Contains($"#EXT-X-MEDIA-SEQUENCE:{numbers[0]}\n", playlist, StringComparison.Ordinal);
        Assert.True(Directory.GetFiles(sandbox.Folder("n1"), "live*.ts").Length <= 2 + 3 + 1, "segments that left the window are deleted");

        using (var segment = await sandbox.Proxy.Client.GetAsync($"broadcast/n1/segment/{BroadcastSandbox.SegmentLines(playlist)[^1]}", Token))
        {
            Assert.Equal(200, (int)segment.StatusCode);
            var bytes = await segment.Content.ReadAsByteArrayAsync(Token);
            Assert.True(bytes.Length > 188 && bytes[0] == 0x47, "a whole MPEG-TS segment");
        }

        var list = (await sandbox.Proxy.GetAsync("broadcast")).Body!;
        Assert.Equal(1, (int)list["count"]!);
        Assert.Equal("n1", (string?)list["broadcasts"]![0]!["network_id"]);
        Assert.Empty(list["broadcasts"]![0]!["metadata"]!.AsObject());

        var (stopStatus, stop, _) = await sandbox.Proxy.SendAsync(HttpMethod.Post, "broadcast/n1/stop");
        Assert.Equal(200, stopStatus);
        Assert.Equal("Broadcast stopped", (string?)stop!["message"]);
        Assert.Equal("stopped", (string?)stop["status"]);
        Assert.True((long)stop["final_segment_number"]! >= numbers[^1]);
        Assert.Null(await sandbox.StatusAsync("n1"));
        Assert.False(BroadcastSandbox.ProcessAlive(pid));

        // The playlist a stopped network left stays served; an intentional stop sends no callback.
        Assert.Contains("#EXTM3U", await sandbox.PlaylistAsync("n1"), StringComparison.Ordinal);
        await Task.Delay(1000, Token);
        Assert.Empty(receiver.Received("/cb"));
    }

    [Fact]
    public async Task Transition_ContinuesThePlaylist_AndAPlayerPlaysAcrossTheSwitch()
    {
        await using var sandbox = await BroadcastSandbox.StartAsync();
        await using var front = await PlaylistFront.StartAsync(sandbox.Proxy.Client);

        // A long programme (10 s) interrupted by the next one after about 3 s.
        var (first, _) = await sandbox.StartAsync("n2", new { stream_url = sandbox.FileUrl, segment_duration = 1, hls_list_size = 30 });
        Assert.Equal(200, first);
        var player = ToolProcess.RunAsync(
            TestMedia.FfmpegPath,
            ["-nostdin", "-v", "error", "-live_start_index", "0", "-i", front.BaseAddress + "/n2/live.m3u8", "-f", "null", "-"],
            TimeSpan.FromSeconds(90),
            Token);
        await sandbox.WaitForPlaylistAsync("n2", text => BroadcastSandbox.SegmentNumbers(text).Count >= 3);

        var (second, body) = await sandbox.StartAsync("n2", new { stream_url = sandbox.FileUrl, segment_duration = 1, hls_list_size = 30, duration_seconds = 3 });
        Assert.True(second == 200, body.ToJsonString());
        var firstOfNext = (long)body["current_segment_number"]!;
        await WaitForStatusAsync(sandbox, "n2", "stopped");

        var playlist = await sandbox.PlaylistAsync("n2");
        var numbers = BroadcastSandbox.SegmentNumbers(playlist);
        Assert.Equal(0, numbers[0]);
        Assert.Equal(Enumerable.Range(0, numbers.Count).Select(i => (long)i), numbers);
        Assert.Contains(firstOfNext, numbers);
        Assert.True(numbers[^1] >= firstOfNext + 2, playlist);
        Assert.Single(playlist.Split('\n'), line => line == "#EXT-X-DISCONTINUITY");
        Assert.Contains($"#EXT-X-DISCONTINUITY\n#EXT-X-PROGRAM-DATE-TIME:", playlist, StringComparison.Ordinal);
        var afterDiscontinuity = playlist[playlist.IndexOf("#EXT-X-DISCONTINUITY\n", StringComparison.Ordinal)..];
        Assert.Equal(firstOfNext, BroadcastSandbox.SegmentNumbers(afterDiscontinuity)[0]);

        front.End();
        var played = await player;
        Assert.True(played.ExitCode == 0, played.StandardError);
        Assert.True(played.StandardError.Trim().Length == 0, played.StandardError);
        var fetched = front.FetchedSegments;
        Assert.All(BroadcastSandbox.SegmentLines(playlist), name => Assert.Contains(name, fetched));
    }

    [Fact]
    public async Task ProgrammeEnd_SendsOneSignedProgrammeEnded_AndTheNextProgrammeContinues()
    {
        await using var sandbox = await BroadcastSandbox.StartAsync(new() { ["WEBHOOK_SECRET"] = "s3cret" });
        await using var receiver = await WebhookReceiver.StartAsync();

        var (status, _) = await sandbox.StartAsync("n3", new { stream_url = sandbox.FileUrl, segment_duration = 1, duration_seconds = 3, callback_url = receiver.Url("/cb") });
        Assert.Equal(200, status);
        await receiver.WaitForAsync("/cb", r => r.Count >= 1, timeoutSeconds: 30);
        await Task.Delay(1500, Token);
        var callback = Assert.Single(receiver.Received("/cb"));

        var json = callback.Json;
        Assert.Equal("n3", (string?)json["network_id"]);
        Assert.Equal("programme_ended", (string?)json["event"]);
        Assert.EndsWith("+00:00", (string?)json["timestamp"], StringComparison.Ordinal);
        Assert.False((bool)json["dvr_mode"]!);
        Assert.Null(json["hls_dir"]);
        var data = json["data"]!.AsObject();
        Assert.Equal(0, (int)data["exit_code"]!);
        Assert.True((double)data["duration_streamed"]! >= 2.5);
        Assert.False(data.ContainsKey("error"));
        var final = (long)data["final_segment_number"]!;
        Assert.Equal(final, BroadcastSandbox.SegmentNumbers(await sandbox.PlaylistAsync("n3"))[^1]);
        Assert.Equal(BroadcastCallbackUserAgent, callback.Headers["User-Agent"]);
        Assert.Equal(WebhookSignature.Compute("s3cret", callback.Body), callback.Headers[WebhookSignature.HeaderName]);
        Assert.Equal("stopped", (string?)(await sandbox.StatusAsync("n3"))!["status"]);

        // The ended programme is still listed: the next one continues its numbering after a discontinuity.
        var (next, body) = await sandbox.StartAsync("n3", new { stream_url = sandbox.FileUrl, segment_duration = 1, duration_seconds = 2, callback_url = receiver.Url("/cb") });
        Assert.Equal(200, next);
        Assert.Equal(final + 1, (long)body["current_segment_number"]!);
        var playlist = await sandbox.PlaylistAsync("n3");
        Assert.Contains($"#EXT-X-DISCONTINUITY\n#EXT-X-PROGRAM-DATE-TIME:", playlist, StringComparison.Ordinal);
        var received = await receiver.WaitForAsync("/cb", r => r.Count >= 2, timeoutSeconds: 30);
        Assert.True((long)received[1].Json["data"]!["final_segment_number"]! > final);
    }

    [Fact]
    public async Task InputErrorAfterStart_SendsOneBroadcastFailed()
    {
        await using var sandbox = await BroadcastSandbox.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        // The source is cut after 40 % of the programme, and refuses ffmpeg's reconnect with a 503.
        var cut = new OriginBehavior { DropAfterBytes = sandbox.Programme.Length * 4 / 10 };
        sandbox.Origin.AddFile("cut.ts", sandbox.Programme, "video/mp2t", cut);

        var (status, _) = await sandbox.StartAsync("n4", new { stream_url = sandbox.Origin.Url("cut.ts"), segment_duration = 1, callback_url = receiver.Url("/cb") });
        Assert.Equal(200, status);
        sandbox.Origin.SetBehavior("cut.ts", cut with { StatusCode = 503 });

        await receiver.WaitForAsync("/cb", r => r.Count >= 1, timeoutSeconds: 40);
        await Task.Delay(2000, Token);
        var callback = Assert.Single(receiver.Received("/cb"));
        var json = callback.Json;
        Assert.Equal("broadcast_failed", (string?)json["event"]);
        var data = json["data"]!.AsObject();
        Assert.Equal("input_error", (string?)data["error_type"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)data["error"]));
        Assert.True(data.ContainsKey("exit_code") && data.ContainsKey("final_segment_number") && data.ContainsKey("duration_streamed"));

        var state = await sandbox.StatusAsync("n4");
        Assert.Equal("failed", (string?)state!["status"]);
        Assert.Equal((string?)data["error"], (string?)state["error_message"]);
    }

    [Fact]
    public async Task BadSource_FailsTheStartWith500_ThenTheRetryPolicyRefusesUntilTheCooldown()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var sandbox = await BroadcastSandbox.StartAsync(new() { ["BROADCAST_MAX_START_RETRIES"] = "2", ["BROADCAST_START_RETRY_COOLDOWN"] = "15" }, time);
        await using var receiver = await WebhookReceiver.StartAsync();
        var request = new { stream_url = sandbox.Origin.Url("missing.ts"), segment_duration = 1, callback_url = receiver.Url("/cb") };

        for (var attempt = 0; attempt < 2; attempt++)
        {
            var (status, body) = await sandbox.StartAsync("n5", request);
            Assert.Equal(500, status);
            Assert.StartsWith("Broadcast n5 failed shortly after start: ", (string?)body["detail"], StringComparison.Ordinal);
            Assert.Contains("404", (string?)body["detail"], StringComparison.Ordinal);
        }

        var (refused, refusal) = await sandbox.StartAsync("n5", request);
        Assert.Equal(500, refused);
        Assert.Equal("Exceeded max start retries for broadcast n5; retry allowed after 15s", (string?)refusal["detail"]);
        Assert.Equal(2, sandbox.Origin.RequestCount("missing.ts"));

        time.Advance(TimeSpan.FromSeconds(15));
        var (again, answer) = await sandbox.StartAsync("n5", request);
        Assert.Equal(500, again);
        Assert.StartsWith("Broadcast n5 failed shortly after start", (string?)answer["detail"], StringComparison.Ordinal);
        Assert.Equal(3, sandbox.Origin.RequestCount("missing.ts"));
        Assert.Null(await sandbox.StatusAsync("n5"));
        Assert.Empty(receiver.Received("/cb"));
    }

    [Fact]
    public async Task Dvr_KeepsEverySegment_AndDeleteLeavesTheRecording()
    {
        await using var sandbox = await BroadcastSandbox.StartAsync();

        var (status, body) = await sandbox.StartAsync("n6", new { stream_url = sandbox.LiveUrl, segment_duration = 1, hls_list_size = 2, dvr_mode = true });
        Assert.Equal(200, status);
        Assert.Equal("broadcast_n6", (string?)body["hls_dir"]);
        var playlist = await sandbox.WaitForPlaylistAsync("n6", text => BroadcastSandbox.SegmentNumbers(text).Count >= 5);
        var numbers = BroadcastSandbox.SegmentNumbers(playlist);
        Assert.Equal(Enumerable.Range(0, numbers.Count).Select(i => (long)i), numbers);
        Assert.Contains("#EXT-X-PLAYLIST-TYPE:EVENT", playlist, StringComparison.Ordinal);
        Assert.All(BroadcastSandbox.SegmentLines(playlist), name => Assert.True(File.Exists(Path.Combine(sandbox.Folder("n6", dvr: true), name))));
        Assert.False(Directory.Exists(sandbox.Folder("n6")));

        var (deleted, _, _) = await sandbox.Proxy.SendAsync(HttpMethod.Delete, "broadcast/n6");
        Assert.Equal(200, deleted);
        Assert.Null(await sandbox.StatusAsync("n6"));
        Assert.All(BroadcastSandbox.SegmentLines(playlist), name => Assert.True(File.Exists(Path.Combine(sandbox.Folder("n6", dvr: true), name))));
        Assert.Equal(404, (await sandbox.Proxy.GetAsync("broadcast/n6/live.m3u8")).Status);
    }

    [Fact]
    public async Task Transcode_PutsAKeyframeAtTheStartOfEverySegment_SoSegmentsLastWhatThePlaylistSays()
    {
        await using var sandbox = await BroadcastSandbox.StartAsync();

        var (status, body) = await sandbox.StartAsync("n7", new { stream_url = sandbox.FileUrl, transcode = true, preset = "ultrafast", video_resolution = "160:120", video_bitrate = "300k", segment_duration = 2, duration_seconds = 5 });
        Assert.True(status == 200, body.ToJsonString());
        await WaitForStatusAsync(sandbox, "n7", "stopped");

        var playlist = await sandbox.PlaylistAsync("n7");
        var durations = playlist.Split('\n').Where(l => l.StartsWith("#EXTINF:", StringComparison.Ordinal))
            .Select(l => double.Parse(l["#EXTINF:".Length..].TrimEnd(','), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(3, durations.Count);
        Assert.All(durations.Take(2), d => Assert.InRange(d, 1.95, 2.05));
        Assert.InRange(durations.Sum(), 4.9, 5.1);
        foreach (var name in BroadcastSandbox.SegmentLines(playlist))
        {
            var probe = await ToolProcess.RunAsync(
                Ffprobe.Path,
                ["-v", "error", "-select_streams", "v:0", "-read_intervals", "%+#1", "-show_entries", "frame=key_frame,width", "-of", "csv=p=0", Path.Combine(sandbox.Folder("n7"), name)],
                TimeSpan.FromSeconds(30),
                Token);
            Assert.StartsWith("1,160", probe.StandardOutput.Trim(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Transcode_EncodesWithTheHardwareChoice_UnlessTheRequestNamesAnEncoder()
    {
        // HW_ACCEL_* overrides the probe as in the reference; this machine has no GPU, so VAAPI cannot start.
        await using var sandbox = await BroadcastSandbox.StartAsync(new() { ["HW_ACCEL_AVAILABLE"] = "true", ["HW_ACCEL_TYPE"] = "vaapi" });

        var (failed, answer) = await sandbox.StartAsync("hw", new { stream_url = sandbox.FileUrl, transcode = true, segment_duration = 1, duration_seconds = 2 });
        Assert.True(failed == 500, answer.ToJsonString());
        Assert.StartsWith("Broadcast hw failed shortly after start: ", (string?)answer["detail"], StringComparison.Ordinal);

        var (own, body) = await sandbox.StartAsync("hw", new { stream_url = sandbox.FileUrl, transcode = true, video_codec = "libx264", preset = "ultrafast", segment_duration = 1, duration_seconds = 2 });
        Assert.True(own == 200, body.ToJsonString());
        var (copy, copied) = await sandbox.StartAsync("hw", new { stream_url = sandbox.FileUrl, segment_duration = 1, duration_seconds = 2 });
        Assert.True(copy == 200, copied.ToJsonString());
    }

    private const string BroadcastCallbackUserAgent = "M3U-Proxy-Broadcast/1.0";

    private static async Task WaitForStatusAsync(BroadcastSandbox sandbox, string networkId, string expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var state = await sandbox.StatusAsync(networkId);
            if ((string?)state?["status"] == expected)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"status is {state?.ToJsonString()}");
            await Task.Delay(200, Token);
        }
    }
}
