using System.Buffers;
using M3uProxy.Edge.Hosting;
using M3uProxy.Edge.Tests.Infrastructure;

namespace M3uProxy.Edge.Tests.Hosting;

/// <summary>Kestrel's buffer pool: blocks are reused, and those nobody needed since the last trim go back (above a small reserve).</summary>
public sealed class ReleasingBlockPoolTests
{
    private static List<IMemoryOwner<byte>> RentMany(MemoryPool<byte> pool, int count) => [.. Enumerable.Range(0, count).Select(_ => pool.Rent())];

    [Fact]
    public void ReturnedBlocksAreReused_AndAreSixteenKiB()
    {
        using var pool = new ReleasingBlockPool();
        var block = pool.Rent();
        Assert.Equal(ReleasingBlockPool.KestrelBlockSize, block.Memory.Length);
        var array = System.Runtime.InteropServices.MemoryMarshal.TryGetArray<byte>(block.Memory, out var segment) ? segment.Array : null;
        block.Dispose();

        var again = pool.Rent();
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray<byte>(again.Memory, out var second));
        Assert.Same(array, second.Array);
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(ReleasingBlockPool.KestrelBlockSize + 1));
    }

    [Fact]
    public void Trim_ReleasesWhatStayedFreeSinceTheLastTrim_AboveTheReserve()
    {
        using var pool = new ReleasingBlockPool();
        var burst = RentMany(pool, 1_000);
        burst.ForEach(b => b.Dispose());
        Assert.Equal(1_000, pool.FreeBlocks);

        // The burst ended during this period: its blocks were not idle all along, nothing goes yet.
        Assert.Equal(0, pool.Trim());
        Assert.Equal(1_000, pool.FreeBlocks);

        // A quiet period: everything above the reserve goes.
        Assert.Equal((1_000 - ReleasingBlockPool.Reserve) * (long)ReleasingBlockPool.KestrelBlockSize, pool.Trim());
        Assert.Equal(ReleasingBlockPool.Reserve, pool.FreeBlocks);
        Assert.Equal(0, pool.Trim());
    }

    [Fact]
    public void Trim_UnderSteadyTraffic_KeepsTheBlocksInUseAndTheFluctuation()
    {
        using var pool = new ReleasingBlockPool();
        RentMany(pool, 500).ForEach(b => b.Dispose());
        pool.Trim();
        for (var period = 0; period < 5; period++)
        {
            // Each period the traffic needs 400 blocks at its peak.
            var peak = RentMany(pool, 400);
            peak.ForEach(b => b.Dispose());
            pool.Trim();
        }

        Assert.True(pool.FreeBlocks >= 400, $"{pool.FreeBlocks} free blocks left for a traffic that needs 400");
    }

    [Fact]
    public void APoolThatRanDry_ReleasesNothingAtItsNextTrim()
    {
        using var pool = new ReleasingBlockPool();
        RentMany(pool, 200).ForEach(b => b.Dispose());
        pool.Trim();
        var all = RentMany(pool, 300); // more than it holds: it allocates, so nothing was idle
        all.ForEach(b => b.Dispose());

        Assert.Equal(0, pool.Trim());
        Assert.Equal(300, pool.FreeBlocks);
    }

    [Fact]
    public async Task Kestrel_TakesItsBuffersFromThesePools()
    {
        await using var proxy = await ProxyHost.StartAsync();
        var pools = proxy.Services.GetRequiredService<ReleasingBlockPools>();

        using var response = await proxy.Client.GetAsync("livez", TestContext.Current.CancellationToken);

        Assert.True(response.IsSuccessStatusCode);
        Assert.True(pools.Count > 0, "Kestrel created no pool through IMemoryPoolFactory<byte>");
        // The request's buffers come back once the response has left (asynchronously, after the answer).
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (pools.FreeBytes == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.True(pools.FreeBytes > 0, "the request's buffers did not come back to the pool");
    }
}
