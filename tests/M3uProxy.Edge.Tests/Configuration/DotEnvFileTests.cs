using M3uProxy.Edge.Configuration;

namespace M3uProxy.Edge.Tests.Configuration;

public sealed class DotEnvFileTests
{
    [Fact]
    public void Parses_PythonDotenvForms()
    {
        var values = DotEnvFile.Parse("""
            # comment
            HOST=0.0.0.0
            export PORT=8086
            LOG_LEVEL = INFO   # trailing comment
            API_TOKEN="quoted # not a comment"
            DEFAULT_USER_AGENT='single quoted'
            MULTI="a\nb"
            EMPTY=
            not a line
            """);

        Assert.Equal("0.0.0.0", values["HOST"]);
        Assert.Equal("8086", values["PORT"]);
        Assert.Equal("INFO", values["LOG_LEVEL"]);
        Assert.Equal("quoted # not a comment", values["API_TOKEN"]);
        Assert.Equal("single quoted", values["DEFAULT_USER_AGENT"]);
        Assert.Equal("a\nb", values["MULTI"]);
        Assert.Equal("", values["EMPTY"]);
        Assert.Equal(7, values.Count);
    }

    [Fact]
    public void EnvironmentVariables_OverrideDotEnv()
    {
        var raw = new ConfigurationBuilder()
            .AddInMemoryCollection(DotEnvFile.Parse("PORT=8086\nLOG_LEVEL=DEBUG\n"))
            .AddInMemoryCollection(new Dictionary<string, string?> { ["PORT"] = "8087" })
            .Build();

        var settings = SettingsLoader.Load(raw).Settings;

        Assert.Equal(8087, settings.Port);
        Assert.Equal(LogLevel.Debug, settings.LogLevel);
    }

    [Fact]
    public void MissingFile_IsEmpty() => Assert.Empty(DotEnvFile.ReadIfPresent(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), ".env")));
}
