using M3uProxy.Edge.Testing;

namespace M3uProxy.Edge.Tests.Infrastructure;

/// <summary>
/// A real redis-server, a fake origin with live channels, and two real instances (A and B) pointed
/// at that Redis: the usual start of a cluster test.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private static readonly byte[] _packets = TsPacketFactory.Create(2_000);

    private TestCluster(RedisServer redis, FakeOrigin origin, ProxyHost a, ProxyHost b)
    {
        Redis = redis;
        Origin = origin;
        A = a;
        B = b;
    }

    public RedisServer Redis { get; }

    public FakeOrigin Origin { get; }

    public ProxyHost A { get; }

    public ProxyHost B { get; }

    /// <param name="livePaths">The origin's live channels (200 kB/s each).</param>
    public static async Task<TestCluster> StartAsync(params string[] livePaths)
    {
        var redis = await RedisServer.StartAsync();
        var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        foreach (var path in livePaths)
        {
            origin.AddLive(path, _packets, 200_000);
        }

        var a = await ProxyHost.StartAsync(redis.Settings("edge-a"));
        var b = await ProxyHost.StartAsync(redis.Settings("edge-b"));
        return new TestCluster(redis, origin, a, b);
    }

    /// <summary>Creates a stream on <paramref name="on"/> and returns its id.</summary>
    public static async Task<string> CreateAsync(ProxyHost on, object body) => (string)(await on.CreateStreamAsync(body))["stream_id"]!;

    /// <summary>A viewer of <c>/stream/{id}</c> on <paramref name="on"/> that has its first bytes.</summary>
    public static async Task<ContinuousViewer> WatchAsync(ProxyHost on, string id, string name, string query = "")
    {
        var viewer = await ContinuousViewer.OpenAsync(new Uri(on.BaseAddress, $"stream/{id}{query}").ToString(), name);
        await viewer.WaitForMoreAsync(188 * 300, TimeSpan.FromSeconds(20));
        return viewer;
    }

    public async ValueTask DisposeAsync()
    {
        await B.DisposeAsync();
        await A.DisposeAsync();
        await Origin.DisposeAsync();
        await Redis.DisposeAsync();
    }
}
