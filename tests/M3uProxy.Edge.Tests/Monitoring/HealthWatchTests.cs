using M3uProxy.Edge.Events;
using M3uProxy.Edge.Monitoring;
using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Tests.Infrastructure;
using M3uProxy.Edge.Tests.Playback;

namespace M3uProxy.Edge.Tests.Monitoring;

/// <summary>Bitrate and silence monitoring (seed-spec §6.8, §6.9) fail a live stream over, beside the data path.</summary>
[Collection(StreamingTests.Name)]
public sealed class HealthWatchTests
{
    private const string Primary = "/live/user/pass/9.ts";
    private const string Backup = "/backup/user/pass/9.ts";

    [Fact]
    public void ConsecutiveWindows_TriggerOnlyOnARunOfBadOnes()
    {
        var windows = new ConsecutiveWindows(3);

        Assert.False(windows.Record(true));
        Assert.False(windows.Record(true));
        Assert.False(windows.Record(false)); // a good window starts the count again
        Assert.False(windows.Record(true));
        Assert.False(windows.Record(true));
        Assert.True(windows.Record(true));
        Assert.False(windows.Record(true)); // and so does a trigger
    }

    [Fact]
    public async Task LowBitrate_FailsOverOnce_ToTheBackup()
    {
        var packets = TsPacketFactory.Create(20_000);
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddLive(Primary, packets, 20_000, chunkSize: 188 * 10);
        origin.AddLive(Backup, TsPacketFactory.Create(30_000)[(188 * 10_000)..], 400_000);
        await using var proxy = await ProxyHost.StartAsync(new Dictionary<string, string?>
        {
            ["ENABLE_BITRATE_MONITORING"] = "true",
            ["MIN_BITRATE_THRESHOLD"] = "100000",
            ["BITRATE_CHECK_INTERVAL"] = "0.5",
            ["BITRATE_FAILOVER_THRESHOLD"] = "2",
            ["BITRATE_MONITORING_GRACE_PERIOD"] = "0",
        });
        var url = await proxy.StreamUrlAsync(origin.Url(Primary), new { failover_urls = new[] { origin.Url(Backup) } });
        using var client = new MediaClient();

        using var response = await client.OpenAsync(url, cancellationToken: TestContext.Current.CancellationToken);
        var data = await MediaClient.ReadAtLeastAsync(response, 188 * 3000, TimeSpan.FromSeconds(15));

        Assert.Contains(Enumerable.Range(0, data.Length / 188), i => TsPacketFactory.PacketIndexAt(data.AsSpan(i * 188)) >= 10_000);
        var failover = Assert.Single(proxy.EventsOf(EventType.FailoverTriggered));
        Assert.Equal("low_bitrate", (string?)failover.Data["reason"]);
    }

    [Fact]
    public async Task SilentAudio_FailsOverToASourceWithSound_AndStaysThere()
    {
        var silent = await File.ReadAllBytesAsync(await TestMedia.GetSilentTsFileAsync(), TestContext.Current.CancellationToken);
        var tone = await File.ReadAllBytesAsync(await TestMedia.GetTsFileAsync(), TestContext.Current.CancellationToken);
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddLive(Primary, silent, silent.Length / 10);
        origin.AddLive(Backup, tone, tone.Length / 10);
        await using var proxy = await ProxyHost.StartAsync();
        var url = await proxy.StreamUrlAsync(origin.Url(Primary), new
        {
            failover_urls = new[] { origin.Url(Backup) },
            enable_silence_detection = true,
            silence_check_interval = 1.5,
            silence_duration = 0.5,
            silence_failover_threshold = 1,
            silence_monitoring_grace_period = 0,
        });
        using var client = new MediaClient();

        using var response = await client.OpenAsync(url, cancellationToken: TestContext.Current.CancellationToken);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (origin.RequestCount(Backup) == 0 && DateTime.UtcNow < deadline)
        {
            await MediaClient.ReadAtLeastAsync(response, 64 * 1024, TimeSpan.FromSeconds(5));
        }

        // Keep watching the backup for a few windows: a tone is not silence.
        await MediaClient.ReadAtLeastAsync(response, tone.Length / 10 * 4, TimeSpan.FromSeconds(15));
        var failover = Assert.Single(proxy.EventsOf(EventType.FailoverTriggered));
        Assert.Equal("silence_detected", (string?)failover.Data["reason"]);
        Assert.Equal(origin.Url(Backup), (string?)failover.Data["new_url"]);
    }
}
