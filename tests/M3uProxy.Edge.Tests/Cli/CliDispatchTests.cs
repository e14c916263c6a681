using M3uProxy.Edge.Cli;
using M3uProxy.Edge.Cli.Output;
using M3uProxy.Edge.Hosting;

namespace M3uProxy.Edge.Tests.Cli;

/// <summary>Which arguments go to the CLI and which start the server; the address and number formats.</summary>
public sealed class CliDispatchTests
{
    [Theory]
    [InlineData(true, "list")]
    [InlineData(true, "create", "http://a.invalid/x.ts")]
    [InlineData(true, "monitor", "--once")]
    [InlineData(true, "--server", "http://h:1", "list")]
    [InlineData(true, "--server=http://h:1", "list")]
    [InlineData(true, "--json", "stats")]
    [InlineData(false)]
    [InlineData(false, "serve")]
    [InlineData(false, "serve", "--port", "8086")]
    [InlineData(false, "--port", "8086")]
    [InlineData(false, "--debug")]
    [InlineData(false, "--help")]
    [InlineData(false, "lists")]
    public void Handles_OnlyClientCommands(bool expected, params string[] args) => Assert.Equal(expected, CliApp.Handles(args));

    [Fact]
    public void Serve_IsTheServerWithItsFlags()
    {
        var parsed = ServerCommandLine.Parse(["serve", "--port", "8086", "--host", "127.0.0.1", "--debug"]);

        Assert.Null(parsed.Error);
        Assert.Equal("8086", parsed.Overrides["PORT"]);
        Assert.Equal("127.0.0.1", parsed.Overrides["HOST"]);
        Assert.Equal("DEBUG", parsed.Overrides["LOG_LEVEL"]);
        Assert.NotNull(ServerCommandLine.Parse(["--port", "1", "serve"]).Error);
    }

    [Theory]
    [InlineData("http://localhost:8085", null, "http://localhost:8085/")]
    [InlineData("http://localhost:8085/", "", "http://localhost:8085/")]
    [InlineData("http://localhost:8085", "/m3u-proxy", "http://localhost:8085/m3u-proxy/")]
    [InlineData("http://localhost:8085", "m3u-proxy/", "http://localhost:8085/m3u-proxy/")]
    [InlineData("https://tv.example/proxy/", "/m3u-proxy", "https://tv.example/proxy/")]
    [InlineData("10.0.0.2:8085", null, "http://10.0.0.2:8085/")]
    public void ServerAddress_AddsRootPathOnlyWithoutAPath(string server, string? rootPath, string expected)
        => Assert.Equal(expected, ServerAddress.Resolve(server, rootPath).ToString());

    [Theory]
    [InlineData("ftp://localhost")]
    [InlineData("http://")]
    public void ServerAddress_RejectsNonHttp(string server)
        => Assert.Equal(CliExitCodes.Usage, Assert.Throws<CliException>(() => ServerAddress.Resolve(server, null)).ExitCode);

    [Fact]
    public void HumanFormat_ReadsLikeAPerson()
    {
        Assert.Equal("512 B", HumanFormat.Bytes(512));
        Assert.Equal("1.5 KiB", HumanFormat.Bytes(1536));
        Assert.Equal("12.0 MiB", HumanFormat.Bytes(12 * 1024 * 1024));
        Assert.Equal("3.2 Mbit/s", HumanFormat.BitRate(400_000));
        Assert.Equal("0 bit/s", HumanFormat.BitRate(0));
        Assert.Equal("42s", HumanFormat.Duration(42));
        Assert.Equal("2m 05s", HumanFormat.Duration(125));
        Assert.Equal("1h 02m 03s", HumanFormat.Duration(3723));
        Assert.Equal("3d 04h 05m", HumanFormat.Duration((3 * 86400) + (4 * 3600) + 300));
        Assert.Equal("2026-11-29 17:40:00", HumanFormat.Timestamp("2026-11-29T17:40:00.123456+00:00"));
    }
}
