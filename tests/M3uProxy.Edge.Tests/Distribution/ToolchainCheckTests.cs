using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Tests.Infrastructure;

namespace M3uProxy.Edge.Tests.Distribution;

/// <summary>
/// "Two commands on a fresh machine": <c>make run</c>/<c>make publish</c> first run
/// <c>scripts/check-native-toolchain.sh</c>, which passes here (make test's machine builds the binary too) and,
/// on a machine without a C compiler and without root, says in one line what to install.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class ToolchainCheckTests
{
    private static string Script => RepoPaths.File("scripts", "check-native-toolchain.sh");

    [Fact]
    public async Task Check_PassesForThisMachine()
    {
        var run = await ToolProcess.RunAsync("bash", [Script, "linux-x64"], TimeSpan.FromMinutes(5), TestContext.Current.CancellationToken);
        Assert.True(run.ExitCode == 0, run.StandardError);
    }

    [Theory]
    [InlineData("linux-x64", "install clang ")]
    [InlineData("linux-arm64", "install clang gcc-aarch64-linux-gnu libc6-dev-arm64-cross ")]
    public async Task WithoutACompilerAndWithoutRoot_OneLineNamesWhatToInstall(string rid, string expected)
    {
        // A PATH with the shell's basic tools but no compiler, run as nobody (no apt-get install).
        var bin = Directory.CreateTempSubdirectory("no-compiler-");
        File.SetUnixFileMode(bin.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        try
        {
            foreach (var tool in new[] { "bash", "uname", "mktemp", "rm", "printf", "id" })
            {
                var path = new[] { "/usr/bin", "/bin" }.Select(d => Path.Combine(d, tool)).First(File.Exists);
                File.CreateSymbolicLink(Path.Combine(bin.FullName, tool), path);
            }

            // A copy the user nobody can read, wherever the checkout lives (the script reads nothing beside itself).
            var script = Path.Combine(bin.FullName, "check-native-toolchain.sh");
            File.Copy(Script, script);
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            var run = await ToolProcess.RunAsync(
                "setpriv",
                ["--reuid", "65534", "--regid", "65534", "--clear-groups", "env", "PATH=" + bin.FullName, "bash", script, rid],
                TimeSpan.FromMinutes(1),
                TestContext.Current.CancellationToken);

            Assert.Equal(1, run.ExitCode);
            var lines = run.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Single(lines);
            Assert.Contains(expected, lines[0], StringComparison.Ordinal);
            Assert.StartsWith("toolchain: the Native AOT link for " + rid, lines[0], StringComparison.Ordinal);
        }
        finally
        {
            bin.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task GlobalJson_AcceptsAnyDotNet10Sdk()
    {
        var sdk = JsonNode.Parse(await File.ReadAllTextAsync(RepoPaths.File("global.json"), TestContext.Current.CancellationToken))!["sdk"]!;
        Assert.Equal("10.0.100", (string?)sdk["version"]); // the first .NET 10 SDK band
        Assert.Equal("latestFeature", (string?)sdk["rollForward"]); // any later 10.0.x band, never 11
    }
}
