using System.Collections.Concurrent;
using M3uProxy.Edge.FanOut;
using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Tests.Infrastructure;

namespace M3uProxy.Edge.Tests.FanOut;

/// <summary>
/// A channel with one reader (a download, a lone viewer) runs on one thread per hand-over: the
/// writer's commit runs the reader's copy, and the reader's advance runs the waiting writer, before
/// returning, so no chunk waits for a thread-pool wake-up. Readers of a shared channel keep their own
/// turns, so none waits for another's socket. The writer and the reader here run on threads of
/// their own (never the pool's), so "ran on that thread" cannot happen by chance.
/// </summary>
public sealed class LoneReaderTests
{
    private static readonly byte[] _payload = TsPacketFactory.Create(FanOutBuffer.ChunkSize / 188);
    private static readonly FanOutMemory _memory = new(long.MaxValue);

    [Fact]
    public async Task ALoneReader_CopiesOnTheWritersThread_BeforeTheCommitReturns()
    {
        using var buffer = new FanOutBuffer(16 * FanOutBuffer.ChunkSize, historyBytes: 0, _memory);
        var copier = new Copier(buffer, buffer.AddReader(0));
        var copying = copier.RunAsync();
        Assert.False(copying.IsCompleted); // waiting for the first bytes

        var (writerThread, positionAfterCommit) = OnOwnThread(() =>
        {
            WriteChunk(buffer);
            return copier.Reader.Position;
        });

        // Everything published (whole packets up to the last unit start) was copied before the commit returned.
        Assert.True(positionAfterCommit > 0);
        Assert.Equal(buffer.Published, positionAfterCommit);
        Assert.Equal(writerThread, Assert.Single(copier.Threads.Distinct()));
        buffer.Complete(failed: false);
        Assert.Equal(FanOutBuffer.ChunkSize, await copying);
    }

    [Fact]
    public async Task ReadersOfASharedChannel_CopyOnThreadsOfTheirOwn()
    {
        using var buffer = new FanOutBuffer(16 * FanOutBuffer.ChunkSize, historyBytes: 0, _memory);
        var copiers = new[] { new Copier(buffer, buffer.AddReader(0)), new Copier(buffer, buffer.AddReader(0)) };
        var copying = copiers.Select(c => c.RunAsync()).ToArray();

        var (writerThread, _) = OnOwnThread(() =>
        {
            WriteChunk(buffer);
            buffer.Complete(failed: false);
            return 0L;
        });

        Assert.All(await Task.WhenAll(copying), total => Assert.Equal(FanOutBuffer.ChunkSize, total));
        Assert.All(copiers, c => Assert.DoesNotContain(writerThread, c.Threads));
    }

    [Fact]
    public async Task ALoneReaderMakingRoom_RunsTheWaitingWriterOnItsThread_BeforeTheAdvanceReturns()
    {
        using var buffer = new FanOutBuffer(16 * FanOutBuffer.ChunkSize, historyBytes: 0, _memory);
        var reader = buffer.AddReader(0);
        var writer = new Writer(buffer);
        var writing = writer.RunAsync(chunks: 6);
        Assert.False(writing.IsCompleted); // held back by the reader
        var publishedBefore = buffer.Published;

        var (readerThread, publishedAfterAdvance) = OnOwnThread(() =>
        {
            Assert.Equal(FanOutReadStatus.Data, buffer.TryRead(reader, out var data));
            buffer.Advance(reader, data.Length);
            return buffer.Published;
        });

        Assert.True(publishedAfterAdvance > publishedBefore, $"published {publishedBefore} → {publishedAfterAdvance}");
        Assert.Contains(readerThread, writer.ResumedOn);
        buffer.RemoveReader(reader);
        await writing;
    }

    [Fact]
    public async Task AReaderOfASharedChannelMakingRoom_LeavesTheWriterToThePool()
    {
        using var buffer = new FanOutBuffer(16 * FanOutBuffer.ChunkSize, historyBytes: 0, _memory);
        var leader = buffer.AddReader(0);
        var other = buffer.AddReader(0);
        var writer = new Writer(buffer);
        var writing = writer.RunAsync(chunks: 6);
        Assert.False(writing.IsCompleted);

        var (readerThread, _) = OnOwnThread(() =>
        {
            Assert.Equal(FanOutReadStatus.Data, buffer.TryRead(leader, out var data));
            buffer.Advance(leader, data.Length);
            return 0L;
        });

        buffer.RemoveReader(leader);
        buffer.RemoveReader(other);
        await writing;
        Assert.NotEmpty(writer.ResumedOn);
        Assert.DoesNotContain(readerThread, writer.ResumedOn);
    }

    /// <summary>Runs <paramref name="work"/> on a new thread (never a pool thread); returns that thread's id and the result.</summary>
    private static (int Thread, long Result) OnOwnThread(Func<long> work)
        => OwnThread.Run(() => (Environment.CurrentManagedThreadId, work()));

    private static void WriteChunk(FanOutBuffer buffer) => FanOutWrites.Write(buffer, _payload);

    /// <summary>A reader's copy loop as a viewer's (no socket): records the threads it ran on after each wake-up.</summary>
    private sealed class Copier(FanOutBuffer buffer, FanOutReader reader)
    {
        public FanOutReader Reader => reader;

        public ConcurrentQueue<int> Threads { get; } = new();

        public async Task<long> RunAsync()
        {
            var sink = new byte[FanOutBuffer.ChunkSize];
            long total = 0;
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
                        await reader.WaitForDataAsync(CancellationToken.None).ConfigureAwait(false);
                        Threads.Enqueue(Environment.CurrentManagedThreadId);
                        break;
                    default:
                        return total;
                }
            }
        }
    }

    /// <summary>A pump's write loop (no upstream): records the threads it resumed on after waiting for room.</summary>
    private sealed class Writer(FanOutBuffer buffer)
    {
        public ConcurrentQueue<int> ResumedOn { get; } = new();

        public async Task RunAsync(int chunks)
        {
            for (var i = 0; i < chunks; i++)
            {
                var written = 0;
                while (written < _payload.Length)
                {
                    var pending = buffer.GetWriteMemoryAsync(CancellationToken.None);
                    var waited = !pending.IsCompleted;
                    var memory = await pending.ConfigureAwait(false);
                    if (waited)
                    {
                        ResumedOn.Enqueue(Environment.CurrentManagedThreadId);
                    }

                    var count = Math.Min(memory.Length, _payload.Length - written);
                    _payload.AsSpan(written, count).CopyTo(memory.Span);
                    buffer.Commit(memory, count);
                    written += count;
                }
            }

            buffer.Complete(failed: false);
        }
    }
}
