using M3uProxy.Edge.Media.MpegTs;

namespace M3uProxy.Edge.Media.Tests.MpegTs;

public sealed class TsPacketTests
{
    private static byte[] Packets(int count, int patEvery = 0)
    {
        var data = new byte[count * TsPacket.Size];
        for (var i = 0; i < count; i++)
        {
            var offset = i * TsPacket.Size;
            data[offset] = TsPacket.SyncByte;
            var isPat = patEvery > 0 && i % patEvery == 0;
            data[offset + 1] = (byte)(isPat ? 0x40 : 0x01); // payload_unit_start for PAT; PID 0x100 otherwise
            data[offset + 2] = (byte)(isPat ? 0x00 : 0x00);
            // Payload bytes that are never the sync byte, so only real packet starts match.
            data.AsSpan(offset + 4, TsPacket.Size - 4).Fill(0x11);
        }

        return data;
    }

    [Fact]
    public void FindAlignment_AlignedData_IsZero() => Assert.Equal(0, TsPacket.FindAlignment(Packets(5)));

    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    [InlineData(187)]
    public void FindAlignment_MidPacketStart_FindsNextPacket(int cut)
    {
        var data = Packets(5).AsSpan(cut);
        Assert.Equal(TsPacket.Size - cut, TsPacket.FindAlignment(data));
    }

    [Fact]
    public void FindAlignment_IgnoresStraySyncBytes()
    {
        var data = Packets(6);
        data[50] = TsPacket.SyncByte; // a stray 0x47 inside packet 0's payload, with no sync 188 bytes later
        Assert.Equal(TsPacket.Size - 40, TsPacket.FindAlignment(data.AsSpan(40)));
    }

    [Fact]
    public void FindAlignment_NoSync_IsMinusOne() => Assert.Equal(-1, TsPacket.FindAlignment(new byte[1000]));

    [Fact]
    public void FindPat_FindsFirstPatAtOrAfterOffset()
    {
        var data = Packets(30, patEvery: 10);
        Assert.True(TsPacket.IsPatStart(data, 0));
        Assert.False(TsPacket.IsPatStart(data, TsPacket.Size));
        Assert.Equal(10 * TsPacket.Size, TsPacket.FindPat(data, TsPacket.Size));
        Assert.Equal(-1, TsPacket.FindPat(Packets(5), 0));
    }
}
