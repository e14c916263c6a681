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

    /// <summary>Each expectation is what python-dotenv 1.2.2's <c>dotenv_values</c> returned for the same file, FROMENV=env in the environment.</summary>
    [Fact]
    public void Interpolates_AsPythonDotenvDoes()
    {
        var values = DotEnvFile.Parse(
            """
            BASE=edge
            A=${BASE}-1
            B='${BASE}-single'
            C="${BASE}-double"
            D=${MISSING:-fallback}
            E=${MISSING}
            F=\${BASE}
            G="\${BASE}"
            H=${FROMENV}
            I=${BASE:-x}
            J=${MISSING:-${BASE}}
            K=$BASE
            EMPTYV=
            M=${EMPTYV:-def}
            N='it\'s'
            O="tab\there"
            P=${LATER}
            LATER=late
            URL=${MISSING:-http://127.0.0.1:8085/x}
            NOTVAR=${BASE:x}
            """,
            name => name == "FROMENV" ? "env" : null);

        Assert.Equal("edge-1", values["A"]);
        Assert.Equal("edge-single", values["B"]);
        Assert.Equal("edge-double", values["C"]);
        Assert.Equal("fallback", values["D"]);
        Assert.Equal("", values["E"]);
        Assert.Equal("\\edge", values["F"]);
        Assert.Equal("\\edge", values["G"]);
        Assert.Equal("env", values["H"]);
        Assert.Equal("edge", values["I"]);
        Assert.Equal("${BASE}", values["J"]);
        Assert.Equal("$BASE", values["K"]);
        Assert.Equal("", values["M"]);
        Assert.Equal("it's", values["N"]);
        Assert.Equal("tab\there", values["O"]);
        Assert.Equal("", values["P"]);
        Assert.Equal("http://127.0.0.1:8085/x", values["URL"]);
        Assert.Equal("${BASE:x}", values["NOTVAR"]);
    }

    [Fact]
    public void FileValues_WinOverTheEnvironment_InsideTheFile()
    {
        var values = DotEnvFile.Parse("PORT=8086\nBASE_URL=http://localhost:${PORT}\n", name => name == "PORT" ? "9999" : null);

        Assert.Equal("http://localhost:8086", values["BASE_URL"]);
    }

    [Fact]
    public void UnquotedComment_AndByteOrderMark_AreNotValues()
    {
        var values = DotEnvFile.Parse("\uFEFFHOST=127.0.0.1\nEMPTY= # nothing\nTABBED=a\t# c\nHASH=a#b\n", _ => null);

        Assert.Equal("127.0.0.1", values["HOST"]);
        Assert.Equal("", values["EMPTY"]);
        Assert.Equal("a", values["TABBED"]);
        Assert.Equal("a#b", values["HASH"]);
    }
}
