using M3uProxy.Edge.Hosting;

namespace M3uProxy.Edge.Tests.Hosting;

public sealed class ServerCommandLineTests
{
    [Fact]
    public void PortHostDebug_BecomeOverrides()
    {
        var parsed = ServerCommandLine.Parse(["--port", "8086", "--host=127.0.0.1", "--debug", "--reload"]);

        Assert.Null(parsed.Error);
        Assert.Equal("8086", parsed.Overrides["PORT"]);
        Assert.Equal("127.0.0.1", parsed.Overrides["HOST"]);
        Assert.Equal("DEBUG", parsed.Overrides["LOG_LEVEL"]);
    }

    [Theory]
    [InlineData("--port")]
    [InlineData("--bogus")]
    [InlineData("serve-everything")]
    public void BadArguments_AreErrors(string argument) => Assert.NotNull(ServerCommandLine.Parse([argument]).Error);

    [Fact]
    public void HelpAndVersion_AreRecognised()
    {
        Assert.True(ServerCommandLine.Parse(["--help"]).ShowHelp);
        Assert.True(ServerCommandLine.Parse(["--version"]).ShowVersion);
    }
}
