using M3uProxy.Edge.Configuration;

namespace M3uProxy.Edge.Tests.Configuration;

public sealed class SettingsLoaderTests
{
    private static SettingsLoadResult Load(Dictionary<string, string?> values, Dictionary<string, string>? overrides = null)
        => SettingsLoader.Load(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), overrides);

    [Fact]
    public void NoVariables_GivesReferenceDefaults()
    {
        var result = Load([]);

        Assert.True(result.IsValid);
        var settings = result.Settings;
        Assert.Equal("0.0.0.0", settings.Host);
        Assert.Equal(8085, settings.Port);
        Assert.Equal("/m3u-proxy", settings.RootPath);
        Assert.False(settings.AuthEnabled);
        Assert.Equal(LogLevel.Information, settings.LogLevel);
        Assert.Equal(10, settings.ClientTimeoutSeconds);
        Assert.Equal(3, settings.StreamRetryAttempts);
        Assert.Equal(1.0, settings.StreamRetryDelaySeconds);
        Assert.Equal(262144, settings.StrictLiveTsPrebufferSize);
        Assert.Equal(-50.0, settings.SilenceThresholdDb);
        Assert.Contains("Chrome/115.0.0.0", settings.DefaultUserAgent, StringComparison.Ordinal);
        Assert.Empty(result.ExplicitlySet);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("TRUE", true)]
    [InlineData("1", true)]
    [InlineData("yes", true)]
    [InlineData("On", true)]
    [InlineData("false", false)]
    [InlineData("0", false)]
    [InlineData("NO", false)]
    [InlineData("off", false)]
    public void Booleans_AcceptComposeFileForms(string text, bool expected)
    {
        var result = Load(new() { ["STRICT_LIVE_TS"] = text });

        Assert.True(result.IsValid);
        Assert.Equal(expected, result.Settings.StrictLiveTs);
    }

    [Theory]
    [InlineData("DEBUG", LogLevel.Debug)]
    [InlineData("INFO", LogLevel.Information)]
    [InlineData("WARNING", LogLevel.Warning)]
    [InlineData("ERROR", LogLevel.Error)]
    [InlineData("CRITICAL", LogLevel.Critical)]
    [InlineData("info", LogLevel.Information)]
    [InlineData("Information", LogLevel.Information)]
    [InlineData("Trace", LogLevel.Trace)]
    [InlineData("None", LogLevel.None)]
    public void LogLevels_AcceptPythonAndDotNetNames(string text, LogLevel expected)
        => Assert.Equal(expected, Load(new() { ["LOG_LEVEL"] = text }).Settings.LogLevel);

    [Fact]
    public void AppDebug_LowersLevelToDebug()
        => Assert.Equal(LogLevel.Debug, Load(new() { ["APP_DEBUG"] = "yes", ["LOG_LEVEL"] = "ERROR" }).Settings.EffectiveLogLevel);

    [Theory]
    [InlineData("PORT", "80a", "PORT=\"80a\" is not a whole number (allowed: 0 to 65535)")]
    [InlineData("PORT", "70000", "PORT=\"70000\" is out of range (allowed: 0 to 65535)")]
    [InlineData("STRICT_LIVE_TS", "maybe", "STRICT_LIVE_TS=\"maybe\" is not a boolean")]
    [InlineData("STREAM_RETRY_DELAY", "soon", "STREAM_RETRY_DELAY=\"soon\" is not a number (allowed: 0 to 600)")]
    [InlineData("LOG_LEVEL", "LOUD", "LOG_LEVEL=\"LOUD\" is not a log level")]
    [InlineData("LOG_FORMAT", "xml", "LOG_FORMAT=\"xml\" is not one of the allowed values (text, json)")]
    [InlineData("HOST", "example.com", "HOST=\"example.com\" is not a listen address")]
    public void BadValue_GivesOneLineNamingVariableValueAndAllowed(string name, string value, string expected)
    {
        var result = Load(new() { [name] = value });

        Assert.False(result.IsValid);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error);
    }

    [Fact]
    public void SecretValues_AreNeverEchoedInErrors()
    {
        // Secrets are free text, so they cannot be invalid; the redaction guards the error path anyway.
        var result = Load(new() { ["API_TOKEN"] = "s3cret", ["PORT"] = "x" });
        Assert.DoesNotContain(result.Errors, e => e.Contains("s3cret", StringComparison.Ordinal));
    }

    [Fact]
    public void M3uProxyAliases_TakePrecedence_AndFlagsWinOverAll()
    {
        var result = Load(new() { ["PORT"] = "9000", ["M3U_PROXY_PORT"] = "9001", ["HOST"] = "127.0.0.1", ["M3U_PROXY_HOST"] = "::" });
        Assert.Equal(9001, result.Settings.Port);
        Assert.Equal("::", result.Settings.Host);

        var flagged = Load(new() { ["M3U_PROXY_PORT"] = "9001" }, new() { ["PORT"] = "9002" });
        Assert.Equal(9002, flagged.Settings.Port);
    }

    [Fact]
    public void VariableNames_AreCaseInsensitive() => Assert.Equal(9100, Load(new() { ["port"] = "9100" }).Settings.Port);

    [Theory]
    [InlineData("", "")]
    [InlineData("/", "")]
    [InlineData("/m3u-proxy/", "/m3u-proxy")]
    [InlineData("proxy", "/proxy")]
    public void RootPath_IsNormalised(string value, string expected)
        => Assert.Equal(expected, Load(new() { ["ROOT_PATH"] = value }).Settings.RootPath);

    [Fact]
    public void InactiveCapabilities_AreReportedOnlyWhenAskedFor()
    {
        Assert.Empty(Load(new() { ["REDIS_ENABLED"] = "false", ["STRICT_LIVE_TS"] = "false" }).RequestedInactiveCapabilities());

        // Silence detection and the cluster are active now.
        Assert.Empty(Load(new() { ["REDIS_ENABLED"] = "true", ["ENABLE_SILENCE_DETECTION"] = "on" }).RequestedInactiveCapabilities());
    }
}
