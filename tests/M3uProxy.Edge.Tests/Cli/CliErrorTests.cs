using System.Net;
using System.Net.Sockets;
using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Tests.Infrastructure;

namespace M3uProxy.Edge.Tests.Cli;

/// <summary>Failures: one clear line on stderr, nothing on stdout, and an exit code scripts can tell apart.</summary>
public sealed class CliErrorTests
{
    private const string Token = "cli-secret";
    private const string MissingId = "0123456789abcdef0123456789abcdef";

    private static Task<ProxyHost> StartWithTokenAsync() => ProxyHost.StartAsync(new Dictionary<string, string?> { ["API_TOKEN"] = Token });

    private static Dictionary<string, string> Environment(string name, string value) => new() { [name] = value };

    private static void AssertFailure(CliResult result, int exitCode, string message)
    {
        Assert.True(result.ExitCode == exitCode, result.ToString());
        Assert.Empty(result.Out);
        Assert.StartsWith("m3u-proxy: ", result.Error, StringComparison.Ordinal);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingToken_Is401_WithAHint()
    {
        await using var host = await StartWithTokenAsync();

        var result = await CliRunner.RunAgainstAsync(host, "list");

        AssertFailure(result, 4, "the server requires an API token (HTTP 401: API token required.");
        Assert.Contains("pass --token or set API_TOKEN", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongToken_Is403_AndTheTokenIsNeverPrinted()
    {
        await using var host = await StartWithTokenAsync();

        var result = await CliRunner.RunAgainstAsync(host, "stats", "--token", "wrong-token-value");

        AssertFailure(result, 4, "the server rejected the API token (HTTP 403: Invalid API token)");
        Assert.DoesNotContain("wrong-token-value", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_FromOptionOrEnvironment_IsAccepted_AndTheOptionWins()
    {
        await using var host = await StartWithTokenAsync();
        var server = host.BaseAddress.ToString();

        (await CliRunner.RunAsync(null, false, "health", "--server", server, "--token", Token)).AssertSuccess();
        (await CliRunner.RunAsync(Environment("API_TOKEN", Token), false, "create", "http://origin.invalid/a.ts", "--server", server)).AssertSuccess();
        var wrongOption = await CliRunner.RunAsync(Environment("API_TOKEN", Token), false, "list", "--server", server, "--token", "nope");
        Assert.Equal(4, wrongOption.ExitCode);
    }

    [Fact]
    public async Task UnknownStream_Is404_NamingTheId()
    {
        await using var host = await ProxyHost.StartAsync();

        foreach (var command in new[] { "info", "delete", "failover" })
        {
            var result = await CliRunner.RunAgainstAsync(host, command, MissingId);
            AssertFailure(result, 5, $"no stream with id '{MissingId}' (HTTP 404: Stream not found)");
        }
    }

    [Fact]
    public async Task UnreachableServer_Is3_AndSaysWhere()
    {
        // A port that was just free: nothing listens there.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var result = await CliRunner.RunAsync("list", "--server", $"http://127.0.0.1:{port}");

        AssertFailure(result, 3, $"cannot reach the server at http://127.0.0.1:{port} (");
        Assert.Contains("is it running?", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SilentServer_TimesOut()
    {
        // Accepts the connection and never answers.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var result = await CliRunner.RunAsync("health", "--server", $"127.0.0.1:{port}", "--timeout", "0.5");

        AssertFailure(result, 3, $"the server at http://127.0.0.1:{port} did not answer within 0.5 s");
    }

    [Fact]
    public async Task RootPath_IsAppended_WhenTheServerUrlHasNoPath()
    {
        await using var host = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["ROOT_PATH"] = "/custom" });
        var server = host.BaseAddress.ToString().TrimEnd('/');

        (await CliRunner.RunAsync(Environment("ROOT_PATH", "/custom"), false, "health", "--server", server)).AssertSuccess();
        (await CliRunner.RunAsync("health", "--server", server + "/custom")).AssertSuccess();

        // A prefix the server does not have: every route is a 404, and the message says so.
        var wrong = await CliRunner.RunAsync(Environment("ROOT_PATH", "elsewhere/"), false, "list", "--server", server);
        AssertFailure(wrong, 5, $"GET {server}/elsewhere/streams answered HTTP 404 (Not Found); is --server an m3u-proxy?");
    }

    [Fact]
    public async Task RejectedUrl_ShowsTheValidationError()
    {
        await using var host = await ProxyHost.StartAsync();

        var result = await CliRunner.RunAgainstAsync(host, "create", "ftp://origin.invalid/a.ts");

        AssertFailure(result, 1, "failed with HTTP 422: url: Value error, URL must use HTTP or HTTPS protocol");
    }

    [Fact]
    public async Task NotAnM3uProxy_IsAServerError()
    {
        await using var other = await TinyOrigin.StartAsync();
        other.Answer("/streams", "<html>a login page</html>");

        var result = await CliRunner.RunAsync("list", "--server", other.Url("/"));

        AssertFailure(result, 1, $"GET {other.Url("/streams")} did not answer with m3u-proxy JSON");
    }

    [Fact]
    public async Task Redirect_IsNotFollowed_SoTheTokenStaysHere()
    {
        await using var other = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        other.AddText("/health", "{}", "application/json", new OriginBehavior { RedirectTo = "/elsewhere/health" });

        var result = await CliRunner.RunAsync("health", "--server", other.Url("/"), "--token", Token);

        AssertFailure(result, 1, $"answered HTTP 302, a redirect to {other.Url("/elsewhere/health")}; use the address it points to as --server");
        Assert.Equal(0, other.RequestCount("/elsewhere/health"));
    }

    [Theory]
    [InlineData("create")]
    [InlineData("info")]
    [InlineData("list", "--bogus")]
    [InlineData("create", "http://a.invalid/x.ts", "--header", "no-equals-sign")]
    [InlineData("monitor", "--interval", "0")]
    [InlineData("list", "--server", "ftp://localhost")]
    public async Task BadArguments_AreUsageErrors(params string[] args)
    {
        var result = await CliRunner.RunAsync(args);

        AssertFailure(result, 2, "");
    }

    [Fact]
    public async Task Help_ListsTheOptions()
    {
        var result = (await CliRunner.RunAsync("create", "--help")).AssertSuccess();

        foreach (var option in new[] { "--failover", "--user-agent", "--header", "--metadata", "--server", "--token", "--json" })
        {
            Assert.Contains(option, result.Out, StringComparison.Ordinal);
        }
    }
}
