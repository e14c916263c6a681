using M3uProxy.Edge.Media.MpegTs;
using M3uProxy.Edge.Testing;

namespace M3uProxy.Edge.Media.Tests.MpegTs;

/// <summary>Garbage never throws: random bytes, and real streams with random bytes flipped.</summary>
public sealed class TransportStreamScannerFuzzTests
{
    [Fact]
    public void RandomPackets_NeverThrow()
    {
        var random = new Random(16);
        var scanner = new TransportStreamScanner();
        var packet = new byte[TsPacket.Size];
        for (var i = 0; i < 200_000; i++)
        {
            random.NextBytes(packet);
            packet[0] = TsPacket.SyncByte;
            packet[1] &= 0x7F; // not flagged corrupt, so every parser runs
            if (i % 3 == 0)
            {
                packet[1] = (byte)(packet[1] & 0xE0); // PID 0 or a low PID: PAT and small PMT PIDs come up often
            }

            scanner.ScanPacket(packet, (long)i * TsPacket.Size);
            _ = scanner.BuildInfo();
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task MutatedRealStreams_NeverThrow_AndStillFindTheProgram(int seed)
    {
        var files = new[] { await TestMedia.GetLongGopTsFileAsync(), await TestMedia.GetHevcAc3TsFileAsync(), await TestMedia.GetMpeg2Mp2TsFileAsync() };
        var random = new Random(seed);
        foreach (var file in files)
        {
            var data = await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken);
            for (var i = 0; i < data.Length / 5_000; i++)
            {
                var at = random.Next(data.Length);
                if (at % TsPacket.Size != 0)
                {
                    data[at] = (byte)random.Next(256); // keep sync bytes: the fan-out aligns on them before the scanner runs
                }
            }

            var scanner = new TransportStreamScanner();
            for (var offset = 0; offset + TsPacket.Size <= data.Length; offset += TsPacket.Size)
            {
                scanner.ScanPacket(data.AsSpan(offset, TsPacket.Size), offset);
            }

            // A few hundred damaged packets leave most PATs and PMTs intact.
            Assert.NotNull(scanner.BuildInfo());
        }
    }

    [Fact]
    public void ShortOrUnsyncedInput_IsIgnored()
    {
        var scanner = new TransportStreamScanner();
        Assert.Equal(ScanEvents.None, scanner.ScanPacket([], 0));
        Assert.Equal(ScanEvents.None, scanner.ScanPacket(new byte[100], 0));
        Assert.Equal(ScanEvents.None, scanner.ScanPacket(new byte[TsPacket.Size], 0));
        Assert.Null(scanner.BuildInfo());
    }
}
