using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using M3uProxy.Edge.Streams;
using M3uProxy.Edge.Tests.Infrastructure;

namespace M3uProxy.Edge.Tests.Cli;

/// <summary>Every client command against the real proxy on loopback, in text and in <c>--json</c>.</summary>
public sealed class CliCommandsTests
{
    private const string Primary = "http://origin.invalid/live/user/secret/1234.ts";
    private const string Backup1 = "http://backup1.invalid/live/1234.ts";
    private const string Backup2 = "http://backup2.invalid/live/1234.ts";

    private static string IdOf(string url) => StreamIds.ForUrl(url);

    [Fact]
    public async Task Create_SendsEveryOption_AndPrintsTheStream()
    {
        await using var host = await ProxyHost.StartAsync();

        var result = (await CliRunner.RunAgainstAsync(host, "create", Primary, "--failover", Backup1, Backup2, "--user-agent", "MyApp/1.0",
            "--header", "Referer=http://portal.invalid/", "--metadata", "channel=42", "--metadata", "note=a=b")).AssertSuccess();

        var id = IdOf(Primary);
        Assert.StartsWith($"Stream {id} (direct)", result.Out, StringComparison.Ordinal);
        Assert.Contains("http://origin.invalid/live/***/***/1234.ts", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", result.Out, StringComparison.Ordinal);
        Assert.Contains($"playback    {host.BaseAddress}stream/{id}", result.Out, StringComparison.Ordinal);
        Assert.Contains("channel=42, note=a=b", result.Out, StringComparison.Ordinal);

        // What the server stored is what the options said.
        var (status, body, _) = await host.GetAsync($"streams/{id}");
        Assert.Equal(200, status);
        var stream = body!["stream"]!;
        Assert.Equal(Primary, (string?)stream["original_url"]);
        Assert.Equal([Backup1, Backup2], stream["failover_urls"]!.AsArray().Select(url => (string?)url));
        Assert.Equal("MyApp/1.0", (string?)stream["user_agent"]);
        Assert.Equal("42", (string?)stream["metadata"]!["channel"]);
        Assert.Equal("a=b", (string?)stream["metadata"]!["note"]);
        Assert.Equal(["Referer"], stream["headers"]!.AsObject().Select(header => header.Key));
    }

    [Fact]
    public async Task Create_Json_PrintsTheServersAnswer()
    {
        await using var host = await ProxyHost.StartAsync();

        var result = (await CliRunner.RunAgainstAsync(host, "create", Primary, "--json")).AssertSuccess();

        var json = JsonNode.Parse(result.Out)!;
        Assert.Equal(IdOf(Primary), (string?)json["stream_id"]);
        Assert.Equal("Stream created successfully (direct)", (string?)json["message"]);
        Assert.Equal($"/stream/{IdOf(Primary)}", (string?)json["stream_endpoint"]);
    }

    [Fact]
    public async Task List_ShowsEveryStream_TextAndJson()
    {
        await using var host = await ProxyHost.StartAsync();
        Assert.Equal("No streams.\n", (await CliRunner.RunAgainstAsync(host, "list")).AssertSuccess().Out.ReplaceLineEndings("\n"));
        await host.CreateStreamAsync(new { url = Primary });
        await host.CreateStreamAsync(new { url = "http://vod.invalid/movie.mkv" });

        var text = (await CliRunner.RunAgainstAsync(host, "list")).AssertSuccess().Out;
        var lines = text.ReplaceLineEndings("\n").TrimEnd().Split('\n');
        Assert.Matches(@"^STREAM ID\s+TYPE\s+STATE\s+CLIENTS\s+SERVED\s+URL$", lines[0]);
        Assert.Contains(lines, line => line.StartsWith(IdOf(Primary), StringComparison.Ordinal) && Regex.IsMatch(line, @"Live Continuous\s+idle\s+0\s") && line.EndsWith("http://origin.invalid/live/***/***/1234.ts", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith(IdOf("http://vod.invalid/movie.mkv"), StringComparison.Ordinal) && line.Contains("VOD", StringComparison.Ordinal));
        Assert.Equal("2 streams", lines[^1]);

        var json = JsonNode.Parse((await CliRunner.RunAgainstAsync(host, "list", "--json")).AssertSuccess().Out)!;
        Assert.Equal(2, (int)json["total"]!);
        Assert.Contains(json["streams"]!.AsArray(), stream => (string?)stream!["original_url"] == Primary);
    }

    [Fact]
    public async Task Info_ShowsTheStreamAndItsFailoverState()
    {
        await using var host = await ProxyHost.StartAsync();
        await host.CreateStreamAsync(new { url = Primary, failover_urls = new[] { Backup1 }, metadata = new { channel = "7" } });

        var text = (await CliRunner.RunAgainstAsync(host, "info", IdOf(Primary))).AssertSuccess().Out;

        Assert.StartsWith($"Stream {IdOf(Primary)} (Live Continuous)", text, StringComparison.Ordinal);
        Assert.Contains($"failover     {Backup1} (on the primary, 0 attempts)", text, StringComparison.Ordinal);
        Assert.Contains("metadata     channel=7", text, StringComparison.Ordinal);
        Assert.Contains("state        idle", text, StringComparison.Ordinal);
        Assert.Contains("clients      0", text, StringComparison.Ordinal);
        Assert.Contains("No clients connected.", text, StringComparison.Ordinal);

        var json = JsonNode.Parse((await CliRunner.RunAgainstAsync(host, "info", IdOf(Primary), "--json")).AssertSuccess().Out)!;
        Assert.Equal(IdOf(Primary), (string?)json["stream"]!["stream_id"]);
        Assert.Equal(0, (int)json["client_count"]!);
    }

    [Fact]
    public async Task Failover_MovesToTheNextUrl_ThenFailsWhenNoneIsLeft()
    {
        await using var host = await ProxyHost.StartAsync();
        await host.CreateStreamAsync(new { url = Primary, failover_urls = new[] { Backup1 } });

        var first = (await CliRunner.RunAgainstAsync(host, "failover", IdOf(Primary))).AssertSuccess();
        Assert.StartsWith($"Failover triggered for {IdOf(Primary)}: now on {Backup1}", first.Out, StringComparison.Ordinal);
        Assert.Contains("failover index  0", first.Out, StringComparison.Ordinal);
        var info = (await CliRunner.RunAgainstAsync(host, "info", IdOf(Primary))).AssertSuccess();
        Assert.Contains($"current url  {Backup1}", info.Out, StringComparison.Ordinal);

        // Round the ring: back to the primary, as the server's own answer says.
        var json = JsonNode.Parse((await CliRunner.RunAgainstAsync(host, "failover", IdOf(Primary), "--json")).AssertSuccess().Out)!;
        Assert.Equal(Primary, (string?)json["new_url"]);
        Assert.Equal(2, (int)json["failover_attempts"]!);

        // Without failover URLs the server answers 400; the CLI says why and fails.
        await host.CreateStreamAsync(new { url = Backup2 });
        var none = await CliRunner.RunAgainstAsync(host, "failover", IdOf(Backup2));
        Assert.Equal(1, none.ExitCode);
        Assert.Contains("HTTP 400: No failover mechanism configured", none.Error, StringComparison.Ordinal);
        Assert.Empty(none.Out);
    }

    [Fact]
    public async Task Delete_RemovesTheStream()
    {
        await using var host = await ProxyHost.StartAsync();
        await host.CreateStreamAsync(new { url = Primary });

        var result = (await CliRunner.RunAgainstAsync(host, "delete", IdOf(Primary))).AssertSuccess();

        Assert.Equal($"Stream {IdOf(Primary)} deleted\n", result.Out.ReplaceLineEndings("\n"));
        await host.CreateStreamAsync(new { url = Backup1 });
        var json = (await CliRunner.RunAgainstAsync(host, "delete", IdOf(Backup1), "--json")).AssertSuccess();
        Assert.Equal($"Stream {IdOf(Backup1)} deleted", (string?)JsonNode.Parse(json.Out)!["message"]);
        Assert.Equal(404, (await host.GetAsync($"streams/{IdOf(Primary)}")).Status);
        var again = await CliRunner.RunAgainstAsync(host, "delete", IdOf(Primary), "--json");
        Assert.Equal(5, again.ExitCode);
    }

    [Fact]
    public async Task Stats_ShowsTotalsStreamsAndClients()
    {
        await using var host = await ProxyHost.StartAsync();
        await host.CreateStreamAsync(new { url = Primary });

        var text = (await CliRunner.RunAgainstAsync(host, "stats")).AssertSuccess().Out;

        Assert.Matches(@"^uptime \d+s, streams 1 \(0 active\), clients 0 connected, served 0 B\n", text.ReplaceLineEndings("\n"));
        Assert.Contains(IdOf(Primary), text, StringComparison.Ordinal);
        Assert.Contains("No clients connected.", text, StringComparison.Ordinal);

        var json = JsonNode.Parse((await CliRunner.RunAgainstAsync(host, "stats", "--json")).AssertSuccess().Out)!;
        Assert.Equal(1, (int)json["total_streams"]!);
        Assert.Single(json["streams"]!.AsArray());
    }

    [Fact]
    public async Task Health_ReportsHealthy()
    {
        await using var host = await ProxyHost.StartAsync();

        var text = (await CliRunner.RunAgainstAsync(host, "health")).AssertSuccess().Out;
        Assert.StartsWith($"healthy at {host.BaseAddress.ToString().TrimEnd('/')} (API 0.4.5, root path '/m3u-proxy')", text, StringComparison.Ordinal);
        Assert.Contains("active streams  0", text, StringComparison.Ordinal);

        var json = JsonNode.Parse((await CliRunner.RunAgainstAsync(host, "health", "--json")).AssertSuccess().Out)!;
        Assert.Equal("healthy", (string?)json["status"]);
    }

    [Fact]
    public async Task GlobalOptions_MayComeBeforeTheCommand()
    {
        await using var host = await ProxyHost.StartAsync();
        await host.CreateStreamAsync(new { url = Primary });

        var result = (await CliRunner.RunAsync($"--server={host.BaseAddress}", "list", "--json")).AssertSuccess();

        Assert.Equal(1, (int)JsonNode.Parse(result.Out)!["total"]!);
    }
}
