using System.Net;
using System.Net.Sockets;
using M3uProxy.Edge.Configuration;
using M3uProxy.Edge.Hosting;
using M3uProxy.Edge.Tests.Infrastructure;

namespace M3uProxy.Edge.Tests.Hosting;

/// <summary>
/// Start-up as a self-hoster sees it, from the real program as a child process: one line and
/// exit 1 when the port is taken (the reference still holding 8085 during a swap), the banner
/// after the bind, and the warning about an open management API.
/// </summary>
public sealed class StartupTests
{
    [Fact]
    public async Task PortInUse_PrintsOneLineNamingThePort_AndExits1()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;

        await using var proxy = ChildProxy.Start(new Dictionary<string, string> { ["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture), ["LOG_LEVEL"] = "INFO" });
        var exitCode = await proxy.WaitForExitAsync();

        Assert.Equal(1, exitCode);
        var line = Assert.Single(proxy.ErrorLines);
        Assert.StartsWith("m3u-proxy: port " + port + " is already in use on 127.0.0.1:" + port, line, StringComparison.Ordinal);
        Assert.DoesNotContain(proxy.Lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal) || l.Contains("Exception", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AddressNotOnThisMachine_PrintsOneLine_AndExits1()
    {
        // 192.0.2.1 is TEST-NET-1 (RFC 5737): never assigned to a local interface.
        await using var proxy = ChildProxy.Start(new Dictionary<string, string> { ["HOST"] = "192.0.2.1", ["LOG_LEVEL"] = "INFO" });
        var exitCode = await proxy.WaitForExitAsync();

        Assert.Equal(1, exitCode);
        var line = Assert.Single(proxy.ErrorLines);
        Assert.StartsWith("m3u-proxy: cannot listen on 192.0.2.1:", line, StringComparison.Ordinal);
        Assert.Contains("check HOST", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Banner_AfterTheBind_NamesVersionAddressRootPathAuthAndState()
    {
        await using var proxy = ChildProxy.Start(new Dictionary<string, string> { ["LOG_LEVEL"] = "INFO", ["API_TOKEN"] = "banner-secret", ["ROOT_PATH"] = "/iptv" });
        await proxy.WaitUntilUpAsync();

        var banner = await proxy.WaitForLineAsync(l => l.Contains("m3u-proxy " + ProxyVersion.Build, StringComparison.Ordinal));
        Assert.Contains("(API " + ProxyVersion.Api + ")", banner, StringComparison.Ordinal);
        Assert.Contains("listening on http://127.0.0.1:" + proxy.Port, banner, StringComparison.Ordinal);
        Assert.Contains("root path /iptv", banner, StringComparison.Ordinal);
        Assert.Contains("auth on", banner, StringComparison.Ordinal);
        Assert.DoesNotContain("banner-secret", string.Join("\n", proxy.Lines), StringComparison.Ordinal);
        var state = await proxy.WaitForLineAsync(l => l.Contains("State: ", StringComparison.Ordinal));
        Assert.Contains("redis: off", state, StringComparison.Ordinal);
        Assert.DoesNotContain(proxy.Lines, l => l.Contains("reachable from the network", StringComparison.Ordinal));
        await proxy.StopAsync();
        Assert.Equal(0, proxy.ExitCode);
    }

    [Fact]
    public async Task NoTokenOnEveryAddress_WarnsThatTheManagementApiIsOpen()
    {
        // HOST=0.0.0.0 is the default a container runs with; the test only reads the log, never connects.
        await using var proxy = ChildProxy.Start(new Dictionary<string, string> { ["HOST"] = "0.0.0.0", ["LOG_LEVEL"] = "INFO" });

        var warning = await proxy.WaitForLineAsync(l => l.Contains("reachable from the network", StringComparison.Ordinal));
        Assert.Contains("without a token", warning, StringComparison.Ordinal);
        Assert.Contains("API_TOKEN", warning, StringComparison.Ordinal);
        Assert.Contains(proxy.Lines, l => l.Contains("auth off", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.0.0.2", true)]
    [InlineData("::1", true)]
    [InlineData("localhost", true)]
    [InlineData("0.0.0.0", false)]
    [InlineData("::", false)]
    [InlineData("192.168.1.10", false)]
    public void LoopbackOnly_IsLoopbackAddressesAndLocalhost(string host, bool loopback)
        => Assert.Equal(loopback, StartupBanner.IsLoopbackOnly(host));

    [Fact]
    public async Task DotEnvInTheWorkingFolder_IsInterpolated()
    {
        var folder = Directory.CreateTempSubdirectory("startup-dotenv-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, ".env"), "BASE=/iptv\nROOT_PATH=${BASE}/${SUB:-edge}\n", TestContext.Current.CancellationToken);
            await using var proxy = ChildProxy.Start(new Dictionary<string, string> { ["LOG_LEVEL"] = "INFO" }, folder.FullName);

            var banner = await proxy.WaitForLineAsync(l => l.Contains("(API ", StringComparison.Ordinal));

            Assert.Contains("root path /iptv/edge;", banner, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
