using System.Text.Json.Nodes;
using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Tests.Infrastructure;

namespace M3uProxy.Edge.Tests.Transcoding;

/// <summary>A fake origin serving the shared test media as live TS and as HLS, and helpers to create and watch transcoded streams.</summary>
internal static class TranscodeFixture
{
    public const string Live = "/live/user/pass/1.ts";
    public const string Backup = "/backup/user/pass/1.ts";

    public static async Task<FakeOrigin> StartOriginAsync()
    {
        var ts = await File.ReadAllBytesAsync(await TestMedia.GetTsFileAsync(), TestContext.Current.CancellationToken);
        var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);

        // A little faster than real time (10 s of media per loop), so ffmpeg never starves.
        var rate = ts.Length / 10 * 3 / 2;
        origin.AddLive(Live, ts, rate);
        origin.AddLive(Backup, ts, rate);
        origin.AddHls("/hls/", await TestMedia.GetHlsFolderAsync());
        return origin;
    }

    public static async Task<JsonObject> TranscodeAsync(ProxyHost proxy, object body)
    {
        var (status, json, _) = await proxy.SendAsync(HttpMethod.Post, "transcode", json: System.Text.Json.JsonSerializer.Serialize(body, TestJson.Options));
        Assert.True(status == 200, $"{status}: {json?.ToJsonString()}");
        return json!.AsObject();
    }

    /// <summary>The largest pause between two reads after the first one.</summary>
    public static long LargestGapMs(List<(long At, int Length)> reads)
        => reads.Zip(reads.Skip(1), (a, b) => b.At - a.At).DefaultIfEmpty(0).Max();

    /// <summary>ffprobe's streams of the bytes a viewer got (written to a temporary file).</summary>
    public static async Task<string> ProbeAsync(byte[] data)
    {
        var file = Path.Combine(Path.GetTempPath(), $"transcoded-{Guid.NewGuid():N}.ts");
        await File.WriteAllBytesAsync(file, data, TestContext.Current.CancellationToken);
        try
        {
            var result = await Ffprobe.ShowStreamsAsync(file, TestContext.Current.CancellationToken);
            Assert.True(result.ExitCode == 0, result.StandardError);
            return result.StandardOutput;
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Decodes every frame with ffmpeg; the stderr lists what did not decode.</summary>
    public static async Task<ToolResult> DecodeAsync(byte[] data)
    {
        var file = Path.Combine(Path.GetTempPath(), $"transcoded-{Guid.NewGuid():N}.ts");
        await File.WriteAllBytesAsync(file, data, TestContext.Current.CancellationToken);
        try
        {
            return await ToolProcess.RunAsync(TestMedia.FfmpegPath, ["-hide_banner", "-v", "error", "-i", file, "-f", "null", "-"], TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        }
        finally
        {
            File.Delete(file);
        }
    }

    public static bool IsAlive(int pid) => File.Exists($"/proc/{pid}/stat") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting: " + what);
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    public static async Task<JsonObject?> TranscodingStateAsync(ProxyHost proxy, string streamId)
    {
        var (status, body, _) = await proxy.GetAsync($"streams/{streamId}");
        return status == 200 ? body?["transcoding"]?.AsObject() : null;
    }
}
