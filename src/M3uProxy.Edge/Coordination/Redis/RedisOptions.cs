using System.Globalization;
using M3uProxy.Edge.Configuration;
using StackExchange.Redis;

namespace M3uProxy.Edge.Coordination.Redis;

/// <summary>
/// The Redis settings, read once: <c>REDIS_HOST</c>, <c>REDIS_SERVER_PORT</c>, <c>REDIS_DB</c>,
/// <c>REDIS_PASSWORD</c>, or <c>REDIS_URL</c> over all of them (seed-spec §9), plus who this
/// instance is (<c>WORKER_ID</c>, <c>CLUSTER_ADVERTISE_URL</c>, <c>CLUSTER_SECRET</c>). The only
/// place that parses them.
/// </summary>
internal sealed record RedisOptions(
    bool Enabled,
    string Host,
    int Port,
    int Database,
    string? User,
    string? Password,
    bool Tls,
    string WorkerId,
    string? AdvertiseUrl,
    string? Secret)
{
    /// <summary>How long Redis calls may take before a request gives up on them (answers within 3 s).</summary>
    public static TimeSpan CallTimeout { get; } = TimeSpan.FromSeconds(2);

    public static RedisOptions From(ProxySettings settings)
    {
        var options = new RedisOptions(
            settings.RedisEnabled,
            settings.RedisHost.Length > 0 ? settings.RedisHost : "localhost",
            settings.RedisPort > 0 ? settings.RedisPort : 6379,
            settings.RedisDb,
            User: null,
            settings.RedisPassword.Length > 0 ? settings.RedisPassword : null,
            Tls: false,
            CoordinationServices.WorkerIdOf(settings),
            settings.ClusterAdvertiseUrl.Length > 0 ? settings.ClusterAdvertiseUrl.TrimEnd('/') : null,
            settings.ClusterSecret.Length > 0 ? settings.ClusterSecret : null);
        return settings.RedisUrl.Length > 0 ? options.WithUrl(settings.RedisUrl) : options;
    }

    /// <summary><c>redis://[user:password@]host[:port][/db]</c> (or <c>rediss://</c> for TLS) over the separate settings.</summary>
    public RedisOptions WithUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("redis" or "rediss") || uri.Host.Length == 0)
        {
            throw new InvalidOperationException("REDIS_URL must look like redis://[:password@]host[:port][/db] (or rediss:// for TLS)");
        }

        var database = Database;
        var path = uri.AbsolutePath.Trim('/');
        if (path.Length > 0 && !int.TryParse(path, NumberStyles.None, CultureInfo.InvariantCulture, out database))
        {
            throw new InvalidOperationException("REDIS_URL: the path must be a database number");
        }

        var (user, password) = (User, Password);
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            user = name.Length > 0 && colon >= 0 ? name : null;
            password = colon < 0 ? name : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }

        return this with
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 6379 : uri.Port,
            Database = database,
            User = user,
            Password = password,
            Tls = uri.Scheme == "rediss",
        };
    }

    /// <summary>
    /// The client's settings: never give up on connecting (Redis may start after us, or restart),
    /// short timeouts so that no request waits on a Redis that is gone, and quick reconnects.
    /// </summary>
    public ConfigurationOptions ToConfiguration()
    {
        var configuration = new ConfigurationOptions
        {
            AbortOnConnectFail = false,
            ConnectTimeout = (int)CallTimeout.TotalMilliseconds,
            SyncTimeout = (int)CallTimeout.TotalMilliseconds,
            AsyncTimeout = (int)CallTimeout.TotalMilliseconds,
            ConnectRetry = 1,
            KeepAlive = 2,
            ReconnectRetryPolicy = new LinearRetry(500),
            DefaultDatabase = Database,
            User = User,
            Password = Password,
            Ssl = Tls,
            ClientName = "m3u-proxy-" + WorkerId,
        };
        configuration.EndPoints.Add(Host, Port);
        return configuration;
    }
}
