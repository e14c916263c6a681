using M3uProxy.Edge.Media.MpegTs;

namespace M3uProxy.Edge.Media.Tests.MpegTs;

public sealed class TsSplicerTests
{
    private const int PmtPid = 0x1000;
    private const int VideoPid = 0x100;

    /// <summary>A packet of <paramref name="pid"/> with counter <paramref name="counter"/>; PAT and PMT packets carry a real section start.</summary>
    private static byte[] Packet(int pid, int counter, bool adaptation = false, bool payload = true)
    {
        var packet = new byte[TsPacket.Size];
        packet.AsSpan().Fill(0xFF);
        packet[0] = TsPacket.SyncByte;
        var unitStart = pid is 0 or PmtPid;
        packet[1] = (byte)((unitStart ? 0x40 : 0) | (pid >> 8));
        packet[2] = (byte)pid;
        packet[3] = (byte)((adaptation ? 0x20 : 0) | (payload ? 0x10 : 0) | counter);
        var at = 4;
        if (adaptation)
        {
            packet[4] = payload ? (byte)1 : (byte)183;
            packet[5] = 0x00;
            at = 5 + packet[4];
        }

        if (pid == 0)
        {
            // pointer 0; table 0, section length 13, ts id 1, version 0, current, section 0/0; program 1 → PMT PID; CRC (not checked).
            byte[] section = [0x00, 0x00, 0xB0, 0x0D, 0x00, 0x01, 0xC1, 0x00, 0x00, 0x00, 0x01, (byte)(0xE0 | (PmtPid >> 8)), PmtPid & 0xFF, 0, 0, 0, 0];
            section.CopyTo(packet.AsSpan(at));
        }

        return packet;
    }

    private static byte[] Join(params byte[][] packets) => [.. packets.SelectMany(p => p)];

    private static int Counter(ReadOnlySpan<byte> data, int index) => data[(index * TsPacket.Size) + 3] & 0x0F;

    private static bool Discontinuity(ReadOnlySpan<byte> data, int index) => (data[(index * TsPacket.Size) + 5] & 0x80) != 0;

    [Fact]
    public void FirstSource_PassesThroughUnchanged()
    {
        var splicer = new TsSplicer();
        var data = Join(Packet(0, 7), Packet(PmtPid, 3), Packet(VideoPid, 9), Packet(VideoPid, 10));
        var original = data.ToArray();

        Assert.Equal(data.Length, splicer.Process(data));
        Assert.Equal(original, data);
    }

    [Fact]
    public void AfterASplice_CountersContinue_PerPid()
    {
        var splicer = new TsSplicer();
        splicer.Process(Join(Packet(0, 4), Packet(PmtPid, 4), Packet(VideoPid, 14), Packet(VideoPid, 15)));

        splicer.BeginSplice();
        var next = Join(Packet(0, 9), Packet(PmtPid, 2), Packet(VideoPid, 3), Packet(VideoPid, 4), Packet(VideoPid, 5));
        Assert.Equal(next.Length, splicer.Process(next));

        Assert.Equal(5, Counter(next, 0));
        Assert.Equal(5, Counter(next, 1));
        Assert.Equal(0, Counter(next, 2)); // 15 + 1 wraps to 0
        Assert.Equal(1, Counter(next, 3));
        Assert.Equal(2, Counter(next, 4));
    }

    [Fact]
    public void AfterASplice_TheFirstPacketWithAnAdaptationField_CarriesTheDiscontinuityIndicator_OncePerPid()
    {
        var splicer = new TsSplicer();
        splicer.Process(Join(Packet(0, 0), Packet(VideoPid, 0, adaptation: true)));

        splicer.BeginSplice();
        var next = Join(Packet(0, 0), Packet(VideoPid, 6, adaptation: true), Packet(VideoPid, 7, adaptation: true));
        splicer.Process(next);

        Assert.True(Discontinuity(next, 1));
        Assert.False(Discontinuity(next, 2));
        Assert.Equal(1, Counter(next, 1));
        Assert.Equal(2, Counter(next, 2));
    }

    [Fact]
    public void APacketWithoutPayload_KeepsTheCounter_AcrossTheSplice()
    {
        var splicer = new TsSplicer();
        splicer.Process(Join(Packet(0, 0), Packet(VideoPid, 8)));

        splicer.BeginSplice();
        var next = Join(Packet(0, 1), Packet(VideoPid, 2, adaptation: true, payload: false));
        splicer.Process(next);

        Assert.Equal(8, Counter(next, 1));
    }

    [Fact]
    public void AfterASplice_PacketsBeforeTheNewSourcesPat_AreDropped()
    {
        var splicer = new TsSplicer();
        splicer.Process(Join(Packet(0, 0), Packet(PmtPid, 0), Packet(VideoPid, 0)));

        splicer.BeginSplice();
        var next = Join(Packet(VideoPid, 5), Packet(VideoPid, 6), Packet(0, 3), Packet(PmtPid, 3), Packet(VideoPid, 7));
        var kept = splicer.Process(next);

        Assert.Equal(3 * TsPacket.Size, kept);
        Assert.True(TsPacket.IsPatStart(next, 0));
        Assert.Equal(1, Counter(next, 0));
        Assert.Equal(1, Counter(next, 2)); // the video PID continues from 0, though two of its packets were dropped
    }

    [Fact]
    public void WaitingForThePat_IsBounded()
    {
        var splicer = new TsSplicer();
        splicer.Process(Join(Packet(0, 0), Packet(VideoPid, 0)));

        splicer.BeginSplice();
        var next = Join([.. Enumerable.Range(0, TsSplicer.MaxPacketsBeforePat + 2).Select(i => Packet(VideoPid, i & 0x0F))]);

        Assert.Equal(2 * TsPacket.Size, splicer.Process(next));
    }

    [Fact]
    public void ProgramTables_RepeatTheLastPatAndPmt_WithContinuingCounters()
    {
        var splicer = new TsSplicer();
        var destination = new byte[2 * TsPacket.Size];
        Assert.Equal(0, splicer.WriteProgramTables(destination)); // nothing seen yet

        splicer.Process(Join(Packet(0, 14), Packet(PmtPid, 15), Packet(VideoPid, 1)));
        Assert.True(splicer.HasProgramTables);
        Assert.Equal(2 * TsPacket.Size, splicer.WriteProgramTables(destination));
        Assert.True(TsPacket.IsPatStart(destination, 0));
        Assert.Equal(15, Counter(destination, 0));
        Assert.Equal(PmtPid, ((destination[TsPacket.Size + 1] & 0x1F) << 8) | destination[TsPacket.Size + 2]);
        Assert.Equal(0, Counter(destination, 1));

        // Real data after the keepalive continues from the repeated tables.
        var next = Join(Packet(0, 15), Packet(PmtPid, 0));
        splicer.Process(next);
        Assert.Equal(0, Counter(next, 0));
        Assert.Equal(1, Counter(next, 1));
    }

    [Fact]
    public void NullPacketsAndGarbage_AreLeftAloneOrDropped()
    {
        var splicer = new TsSplicer();
        var nullPacket = Packet(TsSplicer.NullPid, 3);
        var garbage = new byte[TsPacket.Size];
        var data = Join(Packet(0, 0), nullPacket, garbage);

        Assert.Equal(2 * TsPacket.Size, splicer.Process(data));
        Assert.Equal(nullPacket, data[TsPacket.Size..(2 * TsPacket.Size)]);
    }

    [Fact]
    public void ASplicer_HoldsStateOnlyForThePidsItSees_AndSplicingAllocatesNothing()
    {
        // Every live channel has one: a few PIDs must not cost tables of all 8,192 (48 KiB before).
        const int AudioPid = 0x101;
        var stream = Join(Packet(0, 0), Packet(PmtPid, 0), Packet(VideoPid, 0), Packet(AudioPid, 0, adaptation: true), Packet(TsSplicer.NullPid, 0));
        var before = GC.GetAllocatedBytesForCurrentThread();
        var splicer = new TsSplicer();
        splicer.Process(stream.ToArray());
        var made = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.InRange(made, 1, 8 * 1024);

        var tables = new byte[2 * TsPacket.Size];
        before = GC.GetAllocatedBytesForCurrentThread();
        for (var splice = 0; splice < 100; splice++)
        {
            splicer.BeginSplice();
            splicer.Process(stream);
            splicer.WriteProgramTables(tables);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
