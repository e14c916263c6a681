using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Tests.Infrastructure;
using M3uProxy.Edge.Tests.Playback;

namespace M3uProxy.Edge.Tests.Cli;

/// <summary><c>monitor</c> while a real viewer watches a live channel from the fake origin.</summary>
[Collection(StreamingTests.Name)]
public sealed class CliMonitorTests
{
    private const string ChannelPath = "/live/user/pass/77.ts";
    private const string Viewer = "CliViewer/1.0";

    private static readonly byte[] _packets = TsPacketFactory.Create(5_000);

    /// <summary>A proxy with one live stream and one connected viewer that has received data.</summary>
    private sealed class WatchedChannel : IAsyncDisposable
    {
        public required FakeOrigin Origin { get; init; }
        public required ProxyHost Proxy { get; init; }
        public required MediaClient Client { get; init; }
        public required HttpResponseMessage Response { get; init; }
        public required string StreamId { get; init; }

        public static async Task<WatchedChannel> StartAsync()
        {
            var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
            origin.AddLive(ChannelPath, _packets, bytesPerSecond: 300_000);
            var proxy = await ProxyHost.StartAsync();
            var created = (await CliRunner.RunAgainstAsync(proxy, "create", origin.Url(ChannelPath), "--json")).AssertSuccess();
            var streamId = (string)JsonNode.Parse(created.Out)!["stream_id"]!;
            var client = new MediaClient(Viewer);
            var response = await client.OpenAsync(new Uri(proxy.BaseAddress, "stream/" + streamId).ToString(), cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal(200, (int)response.StatusCode);
            var received = await MediaClient.ReadAtLeastAsync(response, 188 * 500, TimeSpan.FromSeconds(20));
            Assert.Equal(188 * 500, received.Length);
            return new WatchedChannel { Origin = origin, Proxy = proxy, Client = client, Response = response, StreamId = streamId };
        }

        public async ValueTask DisposeAsync()
        {
            Response.Dispose();
            Client.Dispose();
            await Proxy.DisposeAsync();
            await Origin.DisposeAsync();
        }
    }

    private static void AssertLine(string pattern, string[] lines, int index, CliResult result)
        => Assert.True(lines.Length > index && Regex.IsMatch(lines[index], pattern), $"line {index} does not match {pattern}\n{result}");

    [Fact]
    public async Task Once_DrawsStreamsClientsAndBandwidth()
    {
        await using var channel = await WatchedChannel.StartAsync();

        var result = (await CliRunner.RunAgainstAsync(channel.Proxy, "monitor", "--once")).AssertSuccess();
        var lines = result.Out.ReplaceLineEndings("\n").Split('\n');

        Assert.StartsWith($"m3u-proxy monitor: {channel.Proxy.BaseAddress.ToString().TrimEnd('/')}, every 5 s", lines[0], StringComparison.Ordinal);
        AssertLine(@"^uptime \d+s, streams 1 \(1 active\), clients 1 connected, served [\d.]+ [KM]iB, [\d.]+ [kM]bit/s$", lines, 1, result);
        AssertLine(@"^STREAM ID\s+TYPE\s+STATE\s+CLIENTS\s+SERVED\s+RATE\s+MEDIA\s+URL$", lines, 3, result);
        // The stream: a short id, its source streaming, one client, bytes served, a non-zero rate, no media info
        // (its PMT names no codec), the URL with its credentials hidden.
        AssertLine($@"^{channel.StreamId[..12]}\s+Live Continuous\s+streaming\s+1\s+[\d.]+ [KM]iB\s+[\d.]+ [kM]bit/s\s+-\s+http://127\.0\.0\.1:\d+/live/\*\*\*/\*\*\*/77\.ts$", lines, 4, result);
        AssertLine(@"^CLIENT ID\s+STREAM\s+IP\s+USER AGENT\s+SERVED\s+RATE\s+CONNECTED$", lines, 6, result);
        AssertLine($@"^client_\w+\s+{channel.StreamId[..12]}\s+127\.0\.0\.1\s+{Viewer.Replace(".", @"\.", StringComparison.Ordinal)}\s+[\d.]+ [KM]iB\s+[\d.]+ [kM]bit/s\s+\d+s$", lines, 7, result);
        Assert.DoesNotContain("\u001b[", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Frames_RefreshAtTheInterval_AndRedrawInPlaceOnATerminal()
    {
        await using var channel = await WatchedChannel.StartAsync();
        var server = channel.Proxy.BaseAddress.ToString();

        var piped = (await CliRunner.RunAsync("monitor", "--count", "2", "--interval", "0.5", "--server", server)).AssertSuccess();
        Assert.Equal(2, piped.Out.Split("m3u-proxy monitor:").Length - 1);
        Assert.DoesNotContain("\u001b[", piped.Out, StringComparison.Ordinal);

        var terminal = (await CliRunner.RunAsync(null, terminal: true, "monitor", "--count", "2", "--interval", "0.5", "--server", server)).AssertSuccess();
        Assert.Equal(2, terminal.Out.Split("\u001b[H\u001b[2J").Length - 1);
        Assert.StartsWith("\u001b[H\u001b[2Jm3u-proxy monitor:", terminal.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_PrintsOneStatsDocumentPerFrame()
    {
        await using var channel = await WatchedChannel.StartAsync();

        var result = (await CliRunner.RunAgainstAsync(channel.Proxy, "monitor", "--count", "2", "--interval", "0.2", "--json")).AssertSuccess();

        var frames = result.Out.ReplaceLineEndings("\n").TrimEnd().Split('\n').Select(line => JsonNode.Parse(line)!).ToList();
        Assert.Equal(2, frames.Count);
        Assert.All(frames, frame => Assert.Equal(1, (int)frame["active_clients"]!));
        Assert.True((long)frames[1]["total_bytes_served"]! >= (long)frames[0]["total_bytes_served"]!);
    }

    [Fact]
    public async Task InfoAndStats_ShowTheViewer_AndDeleteEndsIt()
    {
        await using var channel = await WatchedChannel.StartAsync();

        var info = (await CliRunner.RunAgainstAsync(channel.Proxy, "info", channel.StreamId)).AssertSuccess().Out;
        Assert.Contains("clients      1", info, StringComparison.Ordinal);
        Assert.Matches($@"(?m)^client_\w+\s+{channel.StreamId[..12]}\s+127\.0\.0\.1\s+{Regex.Escape(Viewer)}\s+[\d.]+ [KM]iB\s+\d+s$", info.ReplaceLineEndings("\n"));
        var stats = (await CliRunner.RunAgainstAsync(channel.Proxy, "stats")).AssertSuccess().Out;
        Assert.Contains("clients 1 connected", stats, StringComparison.Ordinal);
        Assert.Contains(Viewer, stats, StringComparison.Ordinal);

        (await CliRunner.RunAgainstAsync(channel.Proxy, "delete", channel.StreamId)).AssertSuccess();

        // The viewer's response ends (its body reaches its end or breaks) instead of waiting for more.
        var rest = await ReadToEndOrBreakAsync(channel.Response, TimeSpan.FromSeconds(20));
        Assert.True(rest, "the viewer was still connected 20 s after the stream was deleted");
        Assert.Contains("No streams.", (await CliRunner.RunAgainstAsync(channel.Proxy, "list")).AssertSuccess().Out, StringComparison.Ordinal);
    }

    /// <summary>True when the body ends or the connection breaks within <paramref name="timeout"/>.</summary>
    private static async Task<bool> ReadToEndOrBreakAsync(HttpResponseMessage response, TimeSpan timeout)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout);
        var body = await response.Content.ReadAsStreamAsync(cts.Token);
        var buffer = new byte[64 * 1024];
        try
        {
            while (await body.ReadAsync(buffer, cts.Token) > 0)
            {
            }

            return true;
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    [Fact]
    public async Task UnreachableServer_FailsTheFirstFrame()
    {
        var result = await CliRunner.RunAsync("monitor", "--server", "http://127.0.0.1:1");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("cannot reach the server at http://127.0.0.1:1", result.Error, StringComparison.Ordinal);
    }
}
