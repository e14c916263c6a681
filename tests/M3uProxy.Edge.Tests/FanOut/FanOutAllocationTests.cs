using System.Buffers;
using M3uProxy.Edge.FanOut;
using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Tests.Playback;

namespace M3uProxy.Edge.Tests.FanOut;

/// <summary>
/// The allocation budget of the fan-out (Garnet style): moving N chunks through the shared buffer
/// to M readers must not allocate per chunk. Measured in the Release build that ships (the test
/// run uses it), in the serial collection so that no other test allocates meanwhile.
/// </summary>
[Collection(StreamingTests.Name)]
public sealed class FanOutAllocationTests
{
    /// <summary>Bytes the buffer itself may allocate to move 1,800 more chunks to 8 readers: none.</summary>
    private const long LockstepBudgetBytes = 0;

    /// <summary>
    /// With real threads the runtime's scheduling of continuations allocates a little (measured 40–150 B
    /// per chunk for 8 readers); a copy per chunk would cost 64 KiB, a task per reader and chunk ~800 B.
    /// </summary>
    private const long ConcurrentBudgetBytesPerChunk = 300;

    private static readonly byte[] _payload = TsPacketFactory.Create(FanOutBuffer.ChunkSize / 188);

    // Its own pool: chunks rented and returned as the readers pass them are reused, never reallocated.
    private static readonly FanOutMemory _memory = new(long.MaxValue);

    [Fact]
    public void WriteAndRead_AllocateNothingPerChunk()
    {
        Lockstep(chunks: 3_000, readers: 8); // warm-up, long enough for the JIT to settle the loop
        var small = Lockstep(chunks: 200, readers: 8);
        var large = Lockstep(chunks: 2_000, readers: 8);
        TestContext.Current.TestOutputHelper?.WriteLine($"lockstep, 8 readers: 200 chunks {small} B, 2,000 chunks {large} B");

        Assert.True(large - small <= LockstepBudgetBytes, $"200 chunks: {small} B, 2,000 chunks: {large} B");
    }

    [Fact]
    public void ReadingStraightIntoTheBuffer_AllocatesNothingPerChunk()
    {
        DirectLockstep(chunks: 3_000); // warm-up
        var small = DirectLockstep(chunks: 200);
        var large = DirectLockstep(chunks: 2_000);
        TestContext.Current.TestOutputHelper?.WriteLine($"direct path, 1 reader: 200 reads {small} B, 2,000 reads {large} B");

        Assert.True(large - small <= LockstepBudgetBytes, $"200 reads: {small} B, 2,000 reads: {large} B");
    }

    [Fact]
    public async Task ConcurrentFanOut_StaysWithinBudget()
    {
        await FanOutAsync(chunks: 50, readers: 8); // warm-up: JIT, pools, thread pool
        var before = GC.GetTotalAllocatedBytes(precise: true);
        await FanOutAsync(chunks: 200, readers: 8);
        var small = GC.GetTotalAllocatedBytes(precise: true) - before;
        before = GC.GetTotalAllocatedBytes(precise: true);
        await FanOutAsync(chunks: 2_000, readers: 8);
        var large = GC.GetTotalAllocatedBytes(precise: true) - before;

        var perChunk = (large - small) / 1_800;
        TestContext.Current.TestOutputHelper?.WriteLine($"concurrent, 8 readers: 200 chunks {small} B, 2,000 chunks {large} B, {perChunk} B per extra chunk");
        Assert.True(perChunk <= ConcurrentBudgetBytesPerChunk, $"{perChunk} B per chunk (200 chunks: {small} B, 2,000 chunks: {large} B)");
    }

    [Fact]
    public async Task ALoneReader_GetsEveryByte_BecauseTheWriterWaitsForIt()
    {
        var received = await FanOutAsync(chunks: 300, readers: 1);
        Assert.Equal(300L * FanOutBuffer.ChunkSize, Assert.Single(received));
    }

    /// <summary>Writer and readers take turns on this thread; returns the bytes the loop allocated.</summary>
    private static long Lockstep(int chunks, int readers)
    {
        using var buffer = new FanOutBuffer(16 * FanOutBuffer.ChunkSize, historyBytes: 0, _memory);
        var cursors = Enumerable.Range(0, readers).Select(_ => buffer.AddReader(0)).ToArray();
        var sink = new byte[FanOutBuffer.ChunkSize];
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < chunks; i++)
        {
            var pending = buffer.GetWriteMemoryAsync(CancellationToken.None);
            Assert.True(pending.IsCompletedSuccessfully);
            var memory = pending.GetAwaiter().GetResult();
            _payload.AsSpan(0, memory.Length).CopyTo(memory.Span);
            buffer.Commit(memory, memory.Length);
            foreach (var cursor in cursors)
            {
                while (buffer.TryRead(cursor, out var data) == FanOutReadStatus.Data)
                {
                    data.Span.CopyTo(sink);
                    buffer.Advance(cursor, data.Length);
                }
            }
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    /// <summary>
    /// The pump's direct path on this thread: each read lands in the buffer's write memory (reads of
    /// 50,000 bytes, so a partial packet is carried every time) and a reader takes it; returns the bytes allocated.
    /// </summary>
    private static long DirectLockstep(int chunks)
    {
        using var buffer = new FanOutBuffer(16 * FanOutBuffer.ChunkSize, historyBytes: 0, _memory);
        using var input = new ChannelInput(buffer, TimeSpan.Zero);
        var reader = buffer.AddReader(0);
        var source = new EndlessSource();
        var sink = new byte[FanOutBuffer.ChunkSize];
        Assert.True(input.BeginSourceAsync(CancellationToken.None).IsCompletedSuccessfully);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < chunks; i++)
        {
            var pending = input.ReadAsync(source, CancellationToken.None);
            Assert.True(pending.IsCompletedSuccessfully);
            while (buffer.TryRead(reader, out var data) == FanOutReadStatus.Data)
            {
                data.Span.CopyTo(sink);
                buffer.Advance(reader, data.Length);
            }
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.False(input.IsStaging);
        Assert.True(buffer.Published > chunks * 10_000L, $"{buffer.Published} B published from {chunks} reads");
        return allocated;
    }

    /// <summary>One writer commits <paramref name="chunks"/> chunks; each reader, on its own task, copies what it reads.</summary>
    private static async Task<long[]> FanOutAsync(int chunks, int readers)
    {
        using var buffer = new FanOutBuffer(16 * FanOutBuffer.ChunkSize, historyBytes: 0, _memory);
        var cursors = Enumerable.Range(0, readers).Select(_ => buffer.AddReader(0)).ToArray();
        var readTasks = cursors.Select(cursor => Task.Run(() => ReadAllAsync(buffer, cursor))).ToArray();

        for (var i = 0; i < chunks; i++)
        {
            var written = 0;
            while (written < _payload.Length)
            {
                var memory = await buffer.GetWriteMemoryAsync(CancellationToken.None);
                var count = Math.Min(memory.Length, _payload.Length - written);
                _payload.AsSpan(written, count).CopyTo(memory.Span);
                buffer.Commit(memory, count);
                written += count;
            }
        }

        buffer.Complete(failed: false);
        return await Task.WhenAll(readTasks);
    }

    /// <summary>Whole packets without end, 50,000 bytes a read, always ready (a fast HTTP body).</summary>
    private sealed class EndlessSource : IByteSource
    {
        private int _offset;

        public string Description => "endless";

        public bool CanWaitForData => true;

        public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            var count = Math.Min(Math.Min(buffer.Length, 50_000), _payload.Length - _offset);
            _payload.AsSpan(_offset, count).CopyTo(buffer.Span);
            _offset = (_offset + count) % _payload.Length;
            return ValueTask.FromResult(count);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>Copies everything the reader can read until the buffer ends; lagging readers are moved forward, as in production.</summary>
    internal static async Task<long> ReadAllAsync(FanOutBuffer buffer, FanOutReader reader)
    {
        var sink = ArrayPool<byte>.Shared.Rent(FanOutBuffer.ChunkSize);
        long total = 0;
        try
        {
            while (true)
            {
                switch (buffer.TryRead(reader, out var data))
                {
                    case FanOutReadStatus.Data:
                        data.Span.CopyTo(sink);
                        buffer.Advance(reader, data.Length);
                        total += data.Length;
                        break;
                    case FanOutReadStatus.Empty:
                        await reader.WaitForDataAsync(CancellationToken.None);
                        break;
                    case FanOutReadStatus.Lagging:
                        // The writer follows the leading reader; the others may be moved forward, as in production.
                        buffer.Skip(reader, 0);
                        break;
                    default:
                        return total;
                }
            }
        }
        finally
        {
            buffer.RemoveReader(reader);
            ArrayPool<byte>.Shared.Return(sink);
        }
    }
}
