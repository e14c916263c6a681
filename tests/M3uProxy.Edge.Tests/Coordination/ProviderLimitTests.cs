using M3uProxy.Edge.Events;
using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Tests.Infrastructure;

namespace M3uProxy.Edge.Tests.Coordination;

/// <summary>Provider connection limits on one instance: never more upstream connections than the limit, preempt or refuse.</summary>
public sealed class ProviderLimitTests
{
    private static readonly byte[] _packets = TsPacketFactory.Create(2_000);

    /// <summary>An origin with two live channels of one provider (host:port).</summary>
    internal static async Task<FakeOrigin> OriginAsync()
    {
        var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddLive("/live/u/p/1.ts", _packets, 200_000);
        origin.AddLive("/live/u/p/2.ts", _packets, 200_000);
        return origin;
    }

    /// <summary>The most connections the origin had open at once while <paramref name="work"/> ran.</summary>
    private static async Task<int> MaxOpenDuringAsync(FakeOrigin origin, Func<Task> work)
    {
        await using var sampler = new OpenConnectionSampler(origin);
        await work();
        return await sampler.StopAsync();
    }

    [Fact]
    public async Task Refuse_AnswersA503WithAReason_UntilTheSlotIsFree()
    {
        await using var origin = await OriginAsync();
        await using var proxy = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["PROVIDER_MAX_CONNECTIONS"] = "1", ["PROVIDER_LIMIT_POLICY"] = "refuse" });
        var first = await proxy.StreamUrlAsync(origin.Url("/live/u/p/1.ts"));
        var second = await proxy.StreamUrlAsync(origin.Url("/live/u/p/2.ts"));
        using var viewer1 = new MediaClient("one");
        using var viewer2 = new MediaClient("two");

        var max = await MaxOpenDuringAsync(origin, async () =>
        {
            using var playing = await viewer1.OpenAsync(first, cancellationToken: TestContext.Current.CancellationToken);
            await MediaClient.ReadAtLeastAsync(playing, 188 * 200, TimeSpan.FromSeconds(20));

            using var refused = await viewer2.OpenAsync(second, cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal(503, (int)refused.StatusCode);
            var body = await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.Contains("limit of 1 connection", body, StringComparison.Ordinal);
            Assert.Equal("application/json", refused.Content.Headers.ContentType?.MediaType);
        });
        Assert.Equal(1, max);

        // The first viewer left: its slot is back, the second stream plays.
        await origin.WaitForOpenConnectionsAsync(0, TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        using var now = await viewer2.OpenAsync(second, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(200, (int)now.StatusCode);
        await MediaClient.ReadAtLeastAsync(now, 188 * 200, TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Preempt_StopsTheOldestStream_AndTheOriginNeverSeesTwo()
    {
        await using var origin = await OriginAsync();
        await using var proxy = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["PROVIDER_MAX_CONNECTIONS"] = "1" });
        var first = await proxy.StreamUrlAsync(origin.Url("/live/u/p/1.ts"));
        var second = await proxy.StreamUrlAsync(origin.Url("/live/u/p/2.ts"));
        var firstId = first[(first.LastIndexOf('/') + 1)..];
        using var viewer1 = new MediaClient("one");
        using var viewer2 = new MediaClient("two");

        var max = await MaxOpenDuringAsync(origin, async () =>
        {
            using var old = await viewer1.OpenAsync(first, cancellationToken: TestContext.Current.CancellationToken);
            await MediaClient.ReadAtLeastAsync(old, 188 * 200, TimeSpan.FromSeconds(20));

            using var latest = await viewer2.OpenAsync(second, cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal(200, (int)latest.StatusCode);
            await MediaClient.ReadAtLeastAsync(latest, 188 * 200, TimeSpan.FromSeconds(20));
        });

        Assert.Equal(1, max);
        var stopped = Assert.Single(proxy.EventsOf(EventType.StreamStopped), e => e.StreamId == firstId);
        Assert.Equal("provider_limit_preempted", (string?)stopped.Data["reason"]);
        Assert.Equal(404, (await proxy.GetAsync("streams/" + firstId)).Status);
    }

    [Fact]
    public async Task AMetadataField_NamesTheProvider_EachWithItsOwnLimit()
    {
        await using var origin = await OriginAsync();
        await using var proxy = await ProxyHost.StartAsync(new Dictionary<string, string?>
        {
            ["PROVIDER_MAX_CONNECTIONS"] = "1",
            ["PROVIDER_KEY_FIELD"] = "provider_profile_id",
            ["PROVIDER_LIMIT_POLICY"] = "refuse",
        });
        var first = await proxy.StreamUrlAsync(origin.Url("/live/u/p/1.ts"), new { metadata = new Dictionary<string, string> { ["provider_profile_id"] = "7" } });
        var second = await proxy.StreamUrlAsync(origin.Url("/live/u/p/2.ts"), new { metadata = new Dictionary<string, string> { ["provider_profile_id"] = "8" } });
        using var viewer1 = new MediaClient("one");
        using var viewer2 = new MediaClient("two");

        using var one = await viewer1.OpenAsync(first, cancellationToken: TestContext.Current.CancellationToken);
        using var two = await viewer2.OpenAsync(second, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal((200, 200), ((int)one.StatusCode, (int)two.StatusCode));
        await MediaClient.ReadAtLeastAsync(two, 188 * 200, TimeSpan.FromSeconds(20));
    }

    [Theory]
    [InlineData("a:80=2, b=0", "a:80", 2)]
    [InlineData("provider7=3", "PROVIDER7", 3)]
    public void Overrides_AreParsed(string text, string provider, int limit)
        => Assert.Equal(limit, M3uProxy.Edge.Coordination.ProviderLimitOptions.ParseOverrides(text)[provider]);

    [Fact]
    public void AWrongOverride_IsAClearError()
        => Assert.StartsWith("PROVIDER_LIMITS", Assert.Throws<InvalidOperationException>(() => M3uProxy.Edge.Coordination.ProviderLimitOptions.ParseOverrides("a:80")).Message, StringComparison.Ordinal);
}
