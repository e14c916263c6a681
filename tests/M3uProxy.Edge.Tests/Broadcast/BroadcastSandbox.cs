using System.Text.Json;
using System.Text.Json.Nodes;
using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Tests.Infrastructure;

namespace M3uProxy.Edge.Tests.Broadcast;

/// <summary>
/// A proxy whose broadcast and DVR folders are private temporary folders, and a fake origin that
/// serves the ffmpeg-made test programme (10 s of H.264 + AAC in MPEG-TS, a keyframe every second)
/// as a file (<c>/programme.ts</c>) and as an endless paced live stream (<c>/live.ts</c>).
/// </summary>
public sealed class BroadcastSandbox : IAsyncDisposable
{
    private BroadcastSandbox(string root, ProxyHost proxy, FakeOrigin origin, byte[] programme)
    {
        Root = root;
        Proxy = proxy;
        Origin = origin;
        Programme = programme;
    }

    public string Root { get; }

    public string BroadcastDirectory => Path.Combine(Root, "broadcasts");

    public string DvrDirectory => Path.Combine(Root, "dvr");

    public ProxyHost Proxy { get; }

    public FakeOrigin Origin { get; }

    public byte[] Programme { get; }

    public string FileUrl => Origin.Url("programme.ts");

    public string LiveUrl => Origin.Url("live.ts");

    public static async Task<BroadcastSandbox> StartAsync(Dictionary<string, string?>? settings = null, TimeProvider? time = null, Action<string>? prepare = null)
    {
        var root = Path.Combine(Path.GetTempPath(), "m3uproxy-broadcast-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        prepare?.Invoke(root);
        var values = new Dictionary<string, string?>
        {
            ["HLS_BROADCAST_DIR"] = Path.Combine(root, "broadcasts"),
            ["DVR_RECORDING_DIR"] = Path.Combine(root, "dvr"),
        };
        foreach (var (key, value) in settings ?? [])
        {
            values[key] = value;
        }

        var programme = await File.ReadAllBytesAsync(await TestMedia.GetTsFileAsync(), TestContext.Current.CancellationToken);
        var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddFile("programme.ts", programme, "video/mp2t");
        origin.AddLive("live.ts", programme, bytesPerSecond: programme.Length / 10);
        var proxy = await ProxyHost.StartAsync(values, time);
        return new BroadcastSandbox(root, proxy, origin, programme);
    }

    public string Folder(string networkId, bool dvr = false) => Path.Combine(dvr ? DvrDirectory : BroadcastDirectory, "broadcast_" + networkId);

    public async Task<(int Status, JsonObject Body)> StartAsync(string networkId, object body)
    {
        var json = JsonSerializer.Serialize(body, body.GetType(), TestJson.Options);
        var (status, answer, _) = await Proxy.SendAsync(HttpMethod.Post, $"broadcast/{networkId}/start", json: json);
        return (status, answer!.AsObject());
    }

    public async Task<string> PlaylistAsync(string networkId)
    {
        using var response = await Proxy.Client.GetAsync($"broadcast/{networkId}/live.m3u8", TestContext.Current.CancellationToken);
        Assert.Equal(200, (int)response.StatusCode);
        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Polls the playlist until <paramref name="condition"/> holds (bounded).</summary>
    public async Task<string> WaitForPlaylistAsync(string networkId, Func<string, bool> condition, int timeoutSeconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            var text = await PlaylistAsync(networkId);
            if (condition(text))
            {
                return text;
            }

            Assert.True(DateTime.UtcNow < deadline, "playlist condition not met:\n" + text);
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }

    public async Task<JsonObject?> StatusAsync(string networkId)
    {
        var (status, body, _) = await Proxy.GetAsync($"broadcast/{networkId}/status");
        return status == 200 ? body!.AsObject() : null;
    }

    public static List<string> SegmentLines(string playlist) => [.. playlist.Split('\n').Where(l => l.Length > 0 && l[0] != '#')];

    public static List<long> SegmentNumbers(string playlist) => [.. SegmentLines(playlist).Select(l => long.Parse(l[4..^3], System.Globalization.CultureInfo.InvariantCulture))];

    public static bool ProcessAlive(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Proxy.DisposeAsync();
        await Origin.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A straggling file: the temp folder is cleaned by the OS.
        }
    }
}
