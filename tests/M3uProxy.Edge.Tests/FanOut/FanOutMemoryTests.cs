using M3uProxy.Edge.FanOut;
using M3uProxy.Edge.Testing;

namespace M3uProxy.Edge.Tests.FanOut;

/// <summary>
/// Memory of the shared buffers follows how far readers lag, not the buffer's capacity, and one
/// ceiling across all channels takes memory back from the laggiest readers first.
/// </summary>
public sealed class FanOutMemoryTests
{
    private const int Chunk = FanOutBuffer.ChunkSize;
    private static readonly byte[] _payload = TsPacketFactory.Create(Chunk / 188 * 400);

    [Fact]
    public async Task ALoneReaderOfAFasterUpstream_HoldsAFewChunks_NotTheCapacity()
    {
        var memory = new FanOutMemory(long.MaxValue);
        using var buffer = new FanOutBuffer(8L * 1024 * 1024, historyBytes: 1024 * 1024, memory);
        var reader = buffer.AddReader(0);
        var readTask = Task.Run(() => FanOutAllocationTests.ReadAllAsync(buffer, reader));

        long peak = 0;
        for (var written = 0; written < 300 * Chunk;)
        {
            var region = await buffer.GetWriteMemoryAsync(TestContext.Current.CancellationToken);
            var count = Math.Min(region.Length, (300 * Chunk) - written);
            _payload.AsSpan(written % (_payload.Length - Chunk), count).CopyTo(region.Span);
            buffer.Commit(region, count);
            written += count;
            peak = Math.Max(peak, memory.BytesInUse);
        }

        buffer.Complete(failed: false);
        var received = await readTask.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal(300L * Chunk, received);
        TestContext.Current.TestOutputHelper?.WriteLine($"8 MiB buffer, one reader: peak {peak / Chunk} chunks ({peak} B)");
        Assert.True(peak <= 4L * Chunk, $"peak {peak} B for one reader of an 8 MiB buffer");
    }

    [Fact]
    public void Memory_GrowsWithTheReadersSpread_AndGoesBackWhenTheSlowOneLeaves()
    {
        var memory = new FanOutMemory(long.MaxValue);
        using var buffer = new FanOutBuffer(32L * Chunk, historyBytes: 0, memory);
        var fast = buffer.AddReader(0);
        var slow = buffer.AddReader(0);

        WriteChunks(buffer, 12, fast);
        var spread = memory.BytesInUse;
        buffer.RemoveReader(slow);
        WriteChunks(buffer, 1, fast, from: 12L * Chunk);

        Assert.InRange(spread, 12L * Chunk, 14L * Chunk); // everything since the slow reader's position
        Assert.True(memory.BytesInUse <= 2L * Chunk, $"{memory.BytesInUse} B held after the slow reader left");
        Assert.Equal(buffer.BytesHeld, memory.BytesInUse);
        buffer.Dispose();
        Assert.Equal(0, memory.BytesInUse);
    }

    [Fact]
    public void AChannelThatEnds_LeavesItsChunksToTheNextOnes_UntilTheyAreReleased()
    {
        var memory = new FanOutMemory(long.MaxValue);
        var first = new FanOutBuffer(128L * Chunk, historyBytes: 0, memory);
        var fast = first.AddReader(0);
        first.AddReader(0); // never reads: the first channel holds everything it wrote (5 MB, as 40 downloads do)
        WriteChunks(first, 80, fast);
        var held = memory.BytesInUse;
        first.Dispose();

        Assert.InRange(held, 80L * Chunk, 82L * Chunk);
        Assert.Equal(held, memory.FreeBytes);

        // The next channels rent those chunks again instead of pinning new ones beside them.
        using var second = new FanOutBuffer(32L * Chunk, historyBytes: 0, memory);
        var reader = second.AddReader(0);
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        WriteChunks(second, 8, reader);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        Assert.True(allocated < Chunk, $"{allocated} B allocated: a chunk was made although free ones were kept");
        Assert.Equal(held, memory.FreeBytes + memory.BytesInUse);
        Assert.Equal(memory.FreeBytes, memory.ReleaseFree());
        Assert.Equal(0, memory.FreeBytes);
    }

    [Fact]
    public void JoinBurst_IsKept_WhileTheUpstreamSetsThePace()
    {
        var memory = new FanOutMemory(long.MaxValue);
        using var buffer = new FanOutBuffer(32L * Chunk, historyBytes: 4L * Chunk, memory);
        var viewer = buffer.AddReader(0);

        WriteChunks(buffer, 20, viewer); // the viewer keeps up: the writer never waits for it
        var joiner = buffer.AddReader(4L * Chunk);

        Assert.InRange(memory.BytesInUse, 4L * Chunk, 6L * Chunk);
        Assert.InRange(buffer.Published - joiner.Position, (3L * Chunk) + 1, 4L * Chunk);
        Assert.Equal(0, joiner.Position % 188);
    }

    [Fact]
    public void AtTheCeiling_TheLaggingReaderIsMovedForward_AndTheFastOneGetsEveryByte()
    {
        var memory = new FanOutMemory(8L * Chunk);
        using var buffer = new FanOutBuffer(64L * Chunk, historyBytes: 2L * Chunk, memory);
        var fast = buffer.AddReader(0);
        var slow = buffer.AddReader(0);

        long peak = 0;
        var received = WriteChunks(buffer, 40, fast, () => peak = Math.Max(peak, memory.BytesInUse));

        Assert.Equal(buffer.Published, received); // the fast reader got every byte, in order: it never lagged
        Assert.True(peak <= memory.LimitBytes, $"peak {peak} B over a {memory.LimitBytes} B ceiling");
        Assert.True(memory.ReadersCut >= 1);
        Assert.Equal(FanOutReadStatus.Lagging, buffer.TryRead(slow, out _));
        buffer.Skip(slow, 0);
        Assert.Equal(1, slow.Skips);
        Assert.Equal(0, slow.Position % 188);
        Assert.NotEqual(FanOutReadStatus.Lagging, buffer.TryRead(slow, out _));
    }

    [Fact]
    public void TheCeiling_CutsTheLaggiestReaderOfAnyChannel_NotTheChannelThatNeedsMemory()
    {
        var memory = new FanOutMemory(12L * Chunk);
        using var lagging = new FanOutBuffer(64L * Chunk, historyBytes: 0, memory);
        using var busy = new FanOutBuffer(64L * Chunk, historyBytes: 0, memory);
        var leader = lagging.AddReader(0);
        var stalled = lagging.AddReader(0);
        WriteChunks(lagging, 11, leader); // the stalled viewer holds 11 chunks of its channel
        var viewer = busy.AddReader(0);

        long peak = 0;
        var received = WriteChunks(busy, 30, viewer, () => peak = Math.Max(peak, memory.BytesInUse));

        Assert.Equal(busy.Published, received);
        Assert.True(peak <= memory.LimitBytes, $"peak {peak} B over a {memory.LimitBytes} B ceiling");
        Assert.Equal(FanOutReadStatus.Lagging, lagging.TryRead(stalled, out _));
        Assert.NotEqual(FanOutReadStatus.Lagging, lagging.TryRead(leader, out _));
    }

    /// <summary>
    /// Writes <paramref name="chunks"/> chunks of packets, letting <paramref name="reader"/> read after
    /// each piece (on this thread: the writer never waits); returns where the reader is, having read every byte in order.
    /// </summary>
    private static long WriteChunks(FanOutBuffer buffer, int chunks, FanOutReader reader, Action? afterEachWrite = null, long from = 0)
    {
        var received = reader.Position;
        for (var written = (int)from; written < from + (chunks * Chunk);)
        {
            buffer.NoteUpstreamWait(); // a paced upstream: the writer waits for its source before each chunk
            var pending = buffer.GetWriteMemoryAsync(CancellationToken.None);
            Assert.True(pending.IsCompletedSuccessfully, "the writer had to wait for its leading reader");
            var region = pending.GetAwaiter().GetResult();
            _payload.AsSpan(written, region.Length).CopyTo(region.Span);
            buffer.Commit(region, region.Length);
            written += region.Length;
            afterEachWrite?.Invoke();
            while (buffer.TryRead(reader, out var data) == FanOutReadStatus.Data)
            {
                Assert.Equal(reader.Position, received);
                Assert.True(data.Span.SequenceEqual(_payload.AsSpan((int)reader.Position, data.Length)));
                Assert.True(buffer.IsIntact(reader.Position));
                buffer.Advance(reader, data.Length);
                received += data.Length;
            }
        }

        return received;
    }
}
