using M3uProxy.Edge.Coordination;
using M3uProxy.Edge.Tests.Infrastructure;

namespace M3uProxy.Edge.Tests.Coordination;

/// <summary>Channel leases between real instances sharing a real redis-server.</summary>
public sealed class ClusterLeaseTests
{
    [Fact]
    public async Task AReleasedLease_IsAnnounced_SoAnInstanceWaitingForItAsksAgainAtOnce()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await ProxyHost.StartAsync(redis.Settings("edge-a"));
        await using var b = await ProxyHost.StartAsync(redis.Settings("edge-b"));
        var onA = a.Services.GetRequiredService<IChannelOwnership>();
        var onB = b.Services.GetRequiredService<IChannelOwnership>();
        var cancellation = TestContext.Current.CancellationToken;

        var lease = await onA.TryAcquireAsync("channel-1", cancellation);
        Assert.NotNull(lease);
        var released = onB.Released("channel-1"); // asked before trying, as a relaying instance does
        var other = onB.Released("channel-2");
        Assert.Null(await onB.TryAcquireAsync("channel-1", cancellation));
        Assert.False(released.IsCompleted);

        await lease.DisposeAsync();

        await released.WaitAsync(TimeSpan.FromSeconds(10), cancellation); // only the notice completes it, never the lease's expiry
        Assert.False(other.IsCompleted);
        await using var taken = await onB.TryAcquireAsync("channel-1", cancellation);
        Assert.NotNull(taken);
        Assert.True(taken.FencingToken > lease.FencingToken);
    }
}
