using M3uProxy.Edge.FanOut;
using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Tests.Infrastructure;

namespace M3uProxy.Edge.Tests.FanOut;

/// <summary>
/// The pump reading straight into the fan-out buffer (a source that can wait for data): the same
/// framing, splicing and keepalive guarantees as through a staging chunk, with no staging chunk.
/// </summary>
public sealed class DirectIngestTests
{
    // Odd read sizes, so packets and chunks are cut everywhere.
    private static readonly int[] _readSizes = [7, 181, 1_000, 65_536, 3, 40_001, 188, 375, 20_000];

    [Fact]
    public async Task GarbageThenPacketsInOddReads_ArePublishedAsTheSameWholePackets_AcrossChunks()
    {
        var packets = TsPacketFactory.Create(1_500); // 4.3 chunks
        var source = new ScriptedSource(Pieces([.. Garbage(100), .. packets]));
        using var channel = new Channel(TimeSpan.Zero);
        var input = channel.Input;

        await input.BeginSourceAsync(TestContext.Current.CancellationToken);
        await PumpAsync(input, source);
        await input.CompleteAsync(failed: false);

        Assert.Equal(packets, await channel.Output);
        Assert.True(source.ReadsAfterWaiting > 1 && source.ReadsWithoutWaiting == 0, "every read must follow a wait for data (the direct path)");
        Assert.False(input.IsStaging);
    }

    [Fact]
    public async Task ASplice_OnTheDirectPath_StartsWithTheNewSourcesPat_AndContinuesTheCounters()
    {
        var first = TsPacketFactory.Create(130);
        var second = TsPacketFactory.Create(400);
        using var channel = new Channel(TimeSpan.Zero);
        var input = channel.Input;

        await input.BeginSourceAsync(TestContext.Current.CancellationToken);
        await PumpAsync(input, new ScriptedSource(Pieces(first.AsSpan(0, first.Length - 100).ToArray()))); // ends mid-packet
        await input.BeginSourceAsync(TestContext.Current.CancellationToken);
        // The new source starts mid-stream: a partial packet (garbage to the framer), then packet 10 onwards.
        await PumpAsync(input, new ScriptedSource(Pieces([.. second.AsSpan((10 * 188) - 77)])));
        await input.CompleteAsync(failed: false);
        var output = await channel.Output;

        Assert.True(TsPacketFactory.IsAligned(output), "whole packets only");
        var indices = Enumerable.Range(0, output.Length / 188).Select(i => TsPacketFactory.PacketIndexAt(output.AsSpan(i * 188))).ToList();
        // The first source up to its last unit start (packet 102: the unit it had begun is held back and
        // dropped at the switch, with its torn last packet), then the second's from its first PAT (packet 50).
        Assert.Equal([.. Enumerable.Range(0, 102), .. Enumerable.Range(50, 350)], indices);
        Assert.Equal(1, input.Splices);
        for (var i = 1; i < indices.Count; i++)
        {
            var packet = output.AsSpan(i * 188, 188);
            var previous = LastOfPid(output, i, TsPacketFactory.PidOf(packet));
            var continues = previous < 0 || TsPacketFactory.ContinuityCounterOf(packet) == ((TsPacketFactory.ContinuityCounterOf(output.AsSpan(previous * 188)) + 1) & 0x0F);
            var flagged = (packet[3] & 0x20) != 0 && (packet[5] & 0x80) != 0;
            Assert.True(continues || flagged, $"packet {indices[i]} (output {i}) breaks its PID's continuity");
        }
    }

    [Fact]
    public async Task AQuietDirectSource_MidPacket_GetsKeepalives_AndItsPacketIsWholeAfterwards()
    {
        var packets = TsPacketFactory.Create(200);
        var cut = (120 * 188) + 100; // quiet in the middle of packet 120
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var source = new ScriptedSource([packets[..cut], packets[cut..]], gateBefore: 1, gate.Task);
        using var channel = new Channel(TimeSpan.FromSeconds(30));
        var input = channel.Input;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var keepalive = input.RunKeepaliveAsync(stop.Token);

        await input.BeginSourceAsync(TestContext.Current.CancellationToken);
        var pumping = PumpAsync(input, source);
        await Eventually.HoldsAsync(() => input.Keepalives >= 2, TimeSpan.FromSeconds(20), "two keepalives while the source is quiet");
        gate.SetResult();
        await pumping;
        await stop.CancelAsync();
        await keepalive;
        await input.CompleteAsync(failed: false);
        var output = await channel.Output;

        Assert.True(TsPacketFactory.IsAligned(output), "whole packets only");
        var inserted = (output.Length / 188) - 200;
        Assert.True(inserted >= 4, $"{inserted} keepalive packets");
        // Every real packet once and in order, PAT and PMT repeats between packets 119 and 120, and the torn one whole again.
        int IndexAt(int packet) => TsPacketFactory.PacketIndexAt(output.AsSpan(packet * 188));
        Assert.Equal(Enumerable.Range(0, 120), Enumerable.Range(0, 120).Select(IndexAt));
        Assert.All(Enumerable.Range(120, inserted), i => Assert.Contains(TsPacketFactory.PidOf(output.AsSpan(i * 188)), new[] { TsPacketFactory.PatPid, TsPacketFactory.PmtPid }));
        Assert.Equal(Enumerable.Range(120, 80), Enumerable.Range(120 + inserted, 80).Select(IndexAt));
        Assert.Equal(packets.AsSpan(120 * 188, 188).ToArray(), output.AsSpan((120 + inserted) * 188, 188).ToArray());
        Assert.Equal(0, source.ReadsWithoutWaiting);
    }

    [Fact]
    public async Task ASourceThatCannotWaitForData_IsStaged_AndGetsTheSamePackets()
    {
        var packets = TsPacketFactory.Create(600);
        var source = new ScriptedSource(Pieces([.. Garbage(30), .. packets]), canWait: false);
        using var channel = new Channel(TimeSpan.Zero);
        var input = channel.Input;

        await input.BeginSourceAsync(TestContext.Current.CancellationToken);
        await PumpAsync(input, source);
        Assert.True(input.IsStaging);
        await input.CompleteAsync(failed: false);

        Assert.Equal(packets, await channel.Output);
        Assert.Equal(0, source.ReadsAfterWaiting);
    }

    private static async Task PumpAsync(ChannelInput input, IByteSource source)
    {
        while (await input.ReadAsync(source, TestContext.Current.CancellationToken) > 0)
        {
        }
    }

    /// <summary>A buffer, its input, and one reader that collects everything on its own task.</summary>
    private sealed class Channel : IDisposable
    {
        public Channel(TimeSpan keepaliveBound)
        {
            Buffer = new FanOutBuffer(16 * FanOutBuffer.ChunkSize);
            Input = new ChannelInput(Buffer, keepaliveBound);
            var reader = Buffer.AddReader(0);
            Output = Task.Run(() => CollectAsync(Buffer, reader));
        }

        public FanOutBuffer Buffer { get; }

        public ChannelInput Input { get; }

        /// <summary>Every byte the reader got, once the buffer ends.</summary>
        public Task<byte[]> Output { get; }

        public void Dispose()
        {
            Input.Dispose();
            Buffer.Dispose();
        }
    }

    private static async Task<byte[]> CollectAsync(FanOutBuffer buffer, FanOutReader reader)
    {
        var collected = new MemoryStream();
        while (true)
        {
            switch (buffer.TryRead(reader, out var data))
            {
                case FanOutReadStatus.Data:
                    collected.Write(data.Span);
                    buffer.Advance(reader, data.Length);
                    break;
                case FanOutReadStatus.Empty:
                    await reader.WaitForDataAsync(TestContext.Current.CancellationToken);
                    break;
                case FanOutReadStatus.Ended:
                    return collected.ToArray();
                default:
                    throw new InvalidOperationException("the only reader must never lag: the writer waits for it");
            }
        }
    }

    private static int LastOfPid(byte[] output, int before, int pid)
    {
        for (var i = before - 1; i >= 0; i--)
        {
            if (TsPacketFactory.PidOf(output.AsSpan(i * 188)) == pid)
            {
                return i;
            }
        }

        return -1;
    }

    private static byte[] Garbage(int length) => Enumerable.Repeat((byte)0x11, length).ToArray();

    private static List<byte[]> Pieces(byte[] data)
    {
        var pieces = new List<byte[]>();
        for (int offset = 0, i = 0; offset < data.Length; i++)
        {
            var size = Math.Min(_readSizes[i % _readSizes.Length], data.Length - offset);
            pieces.Add(data[offset..(offset + size)]);
            offset += size;
        }

        return pieces;
    }

    /// <summary>
    /// Hands out its pieces one per read (a piece larger than the read is split); with a gate, waits
    /// for it before the piece at <c>gateBefore</c>, in <see cref="WaitForDataAsync"/> as an HTTP body would.
    /// </summary>
    private sealed class ScriptedSource(List<byte[]> pieces, int gateBefore = -1, Task? gate = null, bool canWait = true) : IByteSource
    {
        private int _piece;
        private int _offset;
        private bool _waited;

        public int ReadsAfterWaiting { get; private set; }

        public int ReadsWithoutWaiting { get; private set; }

        public string Description => "scripted";

        public bool CanWaitForData => canWait;

        public async ValueTask WaitForDataAsync(CancellationToken cancellationToken)
        {
            if (_piece == gateBefore && gate is not null)
            {
                await gate.WaitAsync(cancellationToken);
            }

            _waited = true;
        }

        public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            if (_waited)
            {
                ReadsAfterWaiting++;
            }
            else
            {
                ReadsWithoutWaiting += canWait ? 1 : 0;
            }

            _waited = false;
            if (_piece == pieces.Count)
            {
                return ValueTask.FromResult(0);
            }

            var piece = pieces[_piece];
            var count = Math.Min(buffer.Length, piece.Length - _offset);
            piece.AsSpan(_offset, count).CopyTo(buffer.Span);
            _offset += count;
            if (_offset == piece.Length)
            {
                (_piece, _offset) = (_piece + 1, 0);
            }

            return ValueTask.FromResult(count);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
