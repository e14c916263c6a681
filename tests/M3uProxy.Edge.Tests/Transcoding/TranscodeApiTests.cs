using M3uProxy.Edge.Tests.Infrastructure;
using M3uProxy.Edge.Transcoding;

namespace M3uProxy.Edge.Tests.Transcoding;

/// <summary><c>POST /transcode</c> and <c>GET /transcode/profiles</c>: shapes, refusals, and no process before the first viewer.</summary>
public sealed class TranscodeApiTests
{
    private const string Source = "http://origin.test/live/user/pass/1.ts";

    [Fact]
    public async Task Profiles_ListTheSevenBuiltIns_WithHardwareAndDefaults()
    {
        await using var proxy = await ProxyHost.StartAsync();
        var (status, body, _) = await proxy.GetAsync("transcode/profiles");

        Assert.Equal(200, status);
        Assert.Equal(["default", "hq", "lowlatency", "720p", "1080p", "hevc", "audio"], body!["profiles"]!.AsArray().Select(p => (string)p!["name"]!));
        Assert.Equal("Low latency streaming", (string?)body["profiles"]![2]!["description"]);
        Assert.Contains("-i {input_url}", (string?)body["profiles"]![0]!["parameters"], StringComparison.Ordinal);
        var hardware = body["hardware_acceleration"]!;
        Assert.NotNull(hardware["available"]);
        Assert.Equal(3, hardware["candidates"]!.AsArray().Count);
        Assert.Equal("2M", (string?)body["default_variables"]!["video_bitrate"]);
        Assert.Equal("mp4", (string?)body["default_variables"]!["format"]);
    }

    [Fact]
    public async Task Create_AnswersTheReferenceShape_AndStartsNoProcess()
    {
        await using var proxy = await ProxyHost.StartAsync();
        var body = await TranscodeFixture.TranscodeAsync(proxy, new
        {
            url = Source,
            profile = "720p",
            profile_variables = new { video_bitrate = "3M" },
            headers = new { Authorization = "Bearer x" },
            metadata = new { playlist_uuid = "p1", channel = 7 },
        });

        var id = (string)body["stream_id"]!;
        Assert.Equal("transcoded", (string?)body["stream_type"]);
        Assert.Equal($"/stream/{id}", (string?)body["stream_endpoint"]);
        Assert.Null(body["playlist_url"]);
        Assert.Equal("mpegts", (string?)body["format"]);
        Assert.Equal("720p", (string?)body["profile"]);
        Assert.Equal(Source, (string?)body["profile_variables"]!["input_url"]);
        Assert.Equal("pipe:1", (string?)body["profile_variables"]!["output_args"]);
        Assert.Equal("3M", (string?)body["profile_variables"]!["video_bitrate"]);
        var args = body["ffmpeg_args"]!.AsArray().Select(a => (string)a!).ToList();
        Assert.Equal(Source, args[args.IndexOf("-i") + 1]);
        Assert.Equal("3M", args[args.IndexOf("-b:v") + 1]);
        Assert.Equal("Transcoded stream created successfully (direct MPEGTS pipe)", (string?)body["message"]);
        Assert.Equal("p1", (string?)body["metadata"]!["playlist_uuid"]);

        var (_, detail, _) = await proxy.GetAsync($"streams/{id}");
        var metadata = detail!["stream"]!["metadata"]!;
        Assert.Equal("true", (string?)metadata["transcoding"]);
        Assert.Equal("720p", (string?)metadata["profile"]);
        Assert.Equal("{'video_bitrate': '3M'}", (string?)metadata["profile_variables"]);
        Assert.Equal("7", (string?)metadata["channel"]);
        Assert.Equal("***", (string?)detail["stream"]!["headers"]!["authorization"]); // kept (the reference drops them), shown masked
        Assert.Equal(0, proxy.Services.GetRequiredService<TranscodeSessions>().RunningProcesses);
    }

    [Fact]
    public async Task Create_HlsOutput_AdvertisesThePlaylist_AndAnHlsSourceWithAPipeProfileIsDirect()
    {
        await using var proxy = await ProxyHost.StartAsync();
        var hls = await TranscodeFixture.TranscodeAsync(proxy, new { url = Source, output_format = "hls" });
        Assert.Equal($"/hls/{hls["stream_id"]}/playlist.m3u8", (string?)hls["playlist_url"]);
        Assert.Equal("hls", (string?)hls["format"]);
        Assert.Equal("Transcoded stream created successfully (HLS output)", (string?)hls["message"]);

        var direct = await TranscodeFixture.TranscodeAsync(proxy, new { url = "http://origin.test/live/index.m3u8" });
        Assert.Equal($"/stream/{direct["stream_id"]}", (string?)direct["stream_endpoint"]);
        Assert.NotEqual((string?)hls["stream_id"], (string?)direct["stream_id"]);
    }

    [Fact]
    public async Task UnknownProfile_Is400_WithTheReferenceMessage()
    {
        await using var proxy = await ProxyHost.StartAsync();
        var (status, body, _) = await proxy.SendAsync(HttpMethod.Post, "transcode", json: $$"""{"url":"{{Source}}","profile":"x"}""");
        Assert.Equal(400, status);
        Assert.Equal("Profile 'x' not found. Available profiles: default, hq, lowlatency, 720p, 1080p, hevc, audio", (string?)body!["detail"]);
    }

    [Fact]
    public async Task EveryInjection_IsRefused_AndNoFileIsWritten()
    {
        var target = Path.Combine(Path.GetTempPath(), $"injected-{Guid.NewGuid():N}");
        string[] templates =
        [
            $"-i {{input_url}} -c copy -f mpegts {target}.ts",
            $"-i {{input_url}} -i file:{target}.src -c copy -f mpegts {{output_args}}",
            $"-i {{input_url}} -c copy -f hls -hls_segment_filename {target}_%d.ts {{output_args}}",
            $"-i {{input_url}} -c copy -y -f mpegts {{output_args}} {target}.ts",
            $"-i {{input_url}} -vf movie={target}.png -f mpegts {{output_args}}",
            $"-i {{input_url}} -c copy -f tee \"[f=mpegts]{target}.ts|[f=mpegts]pipe:1\" {{output_args}}",
            $"-f concat -safe 0 -i {{input_url}} -c copy -f mpegts {{output_args}}",
            $"-i {{input_url}} -c copy -f mpegts -report {{output_args}}",
        ];

        await using var proxy = await ProxyHost.StartAsync();
        foreach (var template in templates)
        {
            var (status, body, _) = await proxy.SendAsync(HttpMethod.Post, "transcode", json: System.Text.Json.JsonSerializer.Serialize(new { url = Source, profile = template }));
            Assert.True(status == 422, $"{template}: {status} {body?.ToJsonString()}");
            Assert.False(string.IsNullOrEmpty((string?)body!["detail"]));
        }

        var (variableStatus, _, _) = await proxy.SendAsync(HttpMethod.Post, "transcode", json: System.Text.Json.JsonSerializer.Serialize(new { url = Source, profile_variables = new { output_args = target + ".ts" } }));
        Assert.Equal(422, variableStatus);
        Assert.Empty(Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(target) + "*"));
    }

    [Fact]
    public async Task CustomTemplates_Disabled_Are403()
    {
        await using var proxy = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["ALLOW_CUSTOM_FFMPEG_ARGS"] = "false" });
        var (status, body, _) = await proxy.SendAsync(HttpMethod.Post, "transcode", json: $$"""{"url":"{{Source}}","profile":"-i {input_url} -c copy -f mpegts {output_args}"}""");
        Assert.Equal(403, status);
        Assert.Contains("ALLOW_CUSTOM_FFMPEG_ARGS", (string?)body!["detail"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("streamlink", "best --exec /bin/sh", 422)]
    [InlineData("streamlink", "best -o /tmp/x.ts", 422)]
    [InlineData("streamlink", "best --config /etc/passwd", 422)]
    [InlineData("ytdlp", "best --exec id", 422)]
    [InlineData("ytdlp", "best --config-location /etc/passwd", 422)]
    [InlineData("ytdlp", "best -a /etc/passwd", 422)]
    [InlineData("ytdlp", "best http://169.254.169.254/", 422)]
    [InlineData("ytdlp", "bestvideo[height<=720]+bestaudio/best --no-playlist", 200)]
    [InlineData("streamlink", "720p,best --hls-live-edge 3", 200)]
    public async Task ResolverArgs_PassAnAllowList(string resolver, string args, int expected)
    {
        await using var proxy = await ProxyHost.StartAsync();
        var (status, body, _) = await proxy.SendAsync(HttpMethod.Post, "transcode", json: System.Text.Json.JsonSerializer.Serialize(new { url = Source, resolver, resolver_args = args }));
        Assert.True(status == expected, $"{status}: {body?.ToJsonString()}");
        if (status == 200)
        {
            Assert.Equal("resolver", (string?)body!["stream_type"]);
            Assert.Equal(args, (string?)body["resolver_args"]);
        }
    }

    [Fact]
    public async Task Resolver_Disabled_Is400_AndMissingBinary_Is503()
    {
        await using (var proxy = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["STREAMLINK_ENABLED"] = "false" }))
        {
            var (status, body, _) = await proxy.SendAsync(HttpMethod.Post, "transcode", json: $$"""{"url":"{{Source}}","resolver":"streamlink"}""");
            Assert.Equal(400, status);
            Assert.Equal("Streamlink resolver is disabled (STREAMLINK_ENABLED=false)", (string?)body!["detail"]);
        }

        await using (var proxy = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["YTDLP_PATH"] = "/nonexistent/yt-dlp" }))
        {
            var (status, body, _) = await proxy.SendAsync(HttpMethod.Post, "transcode", json: $$"""{"url":"{{Source}}","resolver":"ytdlp"}""");
            Assert.Equal(503, status);
            Assert.Equal("yt-dlp is not installed or not accessible", (string?)body!["detail"]);
        }
    }
}
