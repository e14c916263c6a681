using M3uProxy.Edge.Configuration;
using M3uProxy.Edge.Coordination.Redis;

namespace M3uProxy.Edge.Tests.Coordination;

public sealed class RedisOptionsTests
{
    private static RedisOptions From(Dictionary<string, string?> values)
    {
        var load = SettingsLoader.Load(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        Assert.True(load.IsValid, string.Join("; ", load.Errors));
        return RedisOptions.From(load.Settings);
    }

    [Fact]
    public void SeparateSettings_AreUsed_WithTheReferenceDefaults()
    {
        var options = From(new() { ["REDIS_ENABLED"] = "true", ["REDIS_PASSWORD"] = "pw", ["REDIS_DB"] = "2" });

        Assert.True(options.Enabled);
        Assert.Equal(("localhost", 6379, 2, "pw"), (options.Host, options.Port, options.Database, options.Password));
        Assert.Equal("single", options.WorkerId);
        Assert.False(options.Tls);
    }

    [Theory]
    [InlineData("redis://redis.local:6380/3", "redis.local", 6380, 3, null, null, false)]
    [InlineData("redis://:s%40cret@10.0.0.5", "10.0.0.5", 6379, 0, null, "s@cret", false)]
    [InlineData("rediss://app:pw@cache.example", "cache.example", 6379, 0, "app", "pw", true)]
    [InlineData("redis://pw-only@h:7000/", "h", 7000, 0, null, "pw-only", false)]
    public void RedisUrl_OverridesTheSeparateSettings(string url, string host, int port, int database, string? user, string? password, bool tls)
    {
        var options = From(new() { ["REDIS_HOST"] = "ignored", ["REDIS_SERVER_PORT"] = "1", ["REDIS_URL"] = url });

        Assert.Equal((host, port, database, user, password, tls), (options.Host, options.Port, options.Database, options.User, options.Password, options.Tls));
    }

    [Theory]
    [InlineData("http://redis:6379")]
    [InlineData("redis://redis:6379/zero")]
    [InlineData("not a url")]
    public void AWrongRedisUrl_IsAClearError(string url)
    {
        var error = Assert.Throws<InvalidOperationException>(() => From(new() { ["REDIS_URL"] = url }));
        Assert.StartsWith("REDIS_URL", error.Message, StringComparison.Ordinal);
    }
}
