using M3uProxy.Edge.Coordination;

namespace M3uProxy.Edge.Tests.Coordination;

public sealed class LocalCoordinationTests
{
    private static SlotHolder Holder(string stream) => new(Guid.NewGuid().ToString("N"), stream, "single", 0, DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task Slots_StopAtTheLimit_AndComeBackOnceWhenReleased()
    {
        var slots = new LocalConnectionSlots();
        var first = await slots.TryAcquireAsync("host:80", 2, Holder("a"), TestContext.Current.CancellationToken);
        var second = await slots.TryAcquireAsync("host:80", 2, Holder("b"), TestContext.Current.CancellationToken);
        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Null(await slots.TryAcquireAsync("host:80", 2, Holder("c"), TestContext.Current.CancellationToken));
        Assert.NotNull(await slots.TryAcquireAsync("other:80", 2, Holder("c"), TestContext.Current.CancellationToken));
        Assert.Equal(["a", "b"], (await slots.HoldersAsync("host:80", TestContext.Current.CancellationToken)).Select(h => h.StreamId));

        await first.DisposeAsync();
        await first.DisposeAsync(); // twice gives back one slot, not two
        Assert.NotNull(await slots.TryAcquireAsync("host:80", 2, Holder("c"), TestContext.Current.CancellationToken));
        Assert.Null(await slots.TryAcquireAsync("host:80", 2, Holder("d"), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Ownership_OnOneInstance_IsAlwaysHere_WithGrowingFencingTokens()
    {
        var self = new InstanceInfo("single", null);
        var ownership = new LocalChannelOwnership(self);
        await using var first = await ownership.TryAcquireAsync("s1", TestContext.Current.CancellationToken);
        await using var second = await ownership.TryAcquireAsync("s1", TestContext.Current.CancellationToken);

        Assert.True(second!.FencingToken > first!.FencingToken);
        Assert.False(first.Lost.CanBeCanceled);
        Assert.Same(self, await ownership.FindOwnerAsync("s1", TestContext.Current.CancellationToken));
    }
}
