using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Tests.Infrastructure;

namespace M3uProxy.Edge.Tests.Cli;

/// <summary>
/// The binary as a client, run beside the server's <c>.env</c>: it finds the port and the token
/// there (interpolated as the server reads them), with no <c>--server</c> or <c>--token</c>.
/// </summary>
public sealed class CliDotEnvTests
{
    [Fact]
    public async Task List_ReadsPortAndTokenFromTheDotEnvBesideIt()
    {
        await using var proxy = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["API_TOKEN"] = "dotenv-token" });
        await proxy.CreateStreamAsync(new { url = "http://127.0.0.1:9/live/1.ts" }, "dotenv-token");
        var folder = Directory.CreateTempSubdirectory("cli-dotenv-");
        try
        {
            await File.WriteAllTextAsync(
                Path.Combine(folder.FullName, ".env"),
                $"PORT={proxy.BaseAddress.Port}\nSECRET=dotenv-token\nAPI_TOKEN=${{SECRET}}\nROOT_PATH=\n",
                TestContext.Current.CancellationToken);

            // Nothing of the test machine's own configuration: only the .env speaks.
            var result = await ToolProcess.RunAsync(Path.Combine(AppContext.BaseDirectory, "m3u-proxy"), ["list", "--json"], TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken, start =>
            {
                start.WorkingDirectory = folder.FullName;
                foreach (var name in new[] { "API_TOKEN", "ROOT_PATH", "PORT", "M3U_PROXY_PORT", "SECRET" })
                {
                    start.Environment.Remove(name);
                }
            });

            Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
            Assert.Contains("\"stream_id\"", result.StandardOutput, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
