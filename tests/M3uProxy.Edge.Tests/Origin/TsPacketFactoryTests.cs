using M3uProxy.Edge.Testing;

namespace M3uProxy.Edge.Tests.Origin;

public sealed class TsPacketFactoryTests
{
    [Fact]
    public void Create_MakesAlignedPackets_StampedWithTheirIndex()
    {
        var data = TsPacketFactory.Create(1000);

        Assert.Equal(1000 * 188, data.Length);
        Assert.True(TsPacketFactory.IsAligned(data));
        for (var i = 0; i < 1000; i++)
        {
            Assert.Equal(i, TsPacketFactory.PacketIndexAt(data.AsSpan(i * 188, 188)));
        }
    }

    [Fact]
    public void Create_PutsPatAndPmtEveryInterval_AndKeepsContinuityCountersPerPid()
    {
        var data = TsPacketFactory.Create(500);
        var lastCounter = new Dictionary<int, int>();

        for (var i = 0; i < 500; i++)
        {
            var packet = data.AsSpan(i * 188, 188);
            var pid = TsPacketFactory.PidOf(packet);
            var expectedPid = (i % TsPacketFactory.PsiInterval) switch
            {
                0 => TsPacketFactory.PatPid,
                1 => TsPacketFactory.PmtPid,
                _ => TsPacketFactory.ElementaryPid,
            };
            Assert.Equal(expectedPid, pid);
            var unitStart = (packet[1] & 0x40) != 0;
            Assert.Equal(i % TsPacketFactory.PsiInterval < 3, unitStart);
            var counter = TsPacketFactory.ContinuityCounterOf(packet);
            if (lastCounter.TryGetValue(pid, out var previous))
            {
                Assert.Equal((previous + 1) & 0x0F, counter);
            }
            else
            {
                Assert.Equal(0, counter);
            }

            lastCounter[pid] = counter;
        }
    }

    [Fact]
    public void IsAligned_RejectsShiftedOrPartialData()
    {
        var data = TsPacketFactory.Create(10);

        Assert.False(TsPacketFactory.IsAligned(data.AsSpan(1, 188 * 9)));
        Assert.False(TsPacketFactory.IsAligned(data.AsSpan(0, 188 * 9 + 100)));
        Assert.True(TsPacketFactory.IsAligned(data.AsSpan(188 * 3, 188 * 4)));
    }

    [Fact]
    public void PacketIndexAt_RejectsForeignPackets()
    {
        var foreign = new byte[188];
        foreign[0] = 0x47;

        Assert.Throws<ArgumentException>(() => TsPacketFactory.PacketIndexAt(foreign));
    }

    [Fact(Timeout = 60_000)]
    public async Task Create_IsAcceptedByFfprobe()
    {
        var file = Path.Combine(Path.GetTempPath(), $"tsfactory-{Guid.NewGuid():N}.ts");
        await File.WriteAllBytesAsync(file, TsPacketFactory.Create(1000), TestContext.Current.CancellationToken);
        try
        {
            var probe = await Ffprobe.ShowStreamsAsync(file, TestContext.Current.CancellationToken);

            Assert.True(probe.ExitCode == 0, probe.StandardError);
            Assert.Equal("", probe.StandardError);
            Assert.Contains("codec_type=data", probe.StandardOutput, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
