using System.Text.Json;
using M3uProxy.Edge.LoadTests.Cli;
using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Tests.Infrastructure;
using M3uProxy.Edge.Tests.Playback;

namespace M3uProxy.Edge.Tests.LoadTests;

/// <summary>
/// The load generator (loadtests/) end to end for a few seconds: its failover scenario against the
/// real proxy and the fake origin. Checks what it reports, never how fast anything was.
/// </summary>
[Collection(StreamingTests.Name)]
public sealed class LoadGeneratorSmokeTests
{
    private const string ChannelPath = "/live/loadgen.ts";

    [Fact]
    public async Task FailoverScenario_CreatesTheStream_SwitchesSources_AndWritesItsReport()
    {
        await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        origin.AddLive(ChannelPath, TsPacketFactory.Create(5_000), bytesPerSecond: 200_000);
        await using var proxy = await ProxyHost.StartAsync();
        var report = Path.Combine(Path.GetTempPath(), $"loadgen-{Guid.NewGuid():N}.json");
        using var log = new StringWriter();
        try
        {
            var exitCode = await LoadCommandLine.Build(log).Parse(
            [
                "failover", "--target", $"m3u-proxy:{proxy.BaseAddress}", "--origin", origin.BaseAddress.AbsoluteUri,
                "--path", ChannelPath, "--clients", "4", "--ramp", "0", "--duration", "2", "--every", "0.5",
                "--pid", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", report,
            ]).InvokeAsync(cancellationToken: TestContext.Current.CancellationToken);

            Assert.True(exitCode == 0, log.ToString());
            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(report, TestContext.Current.CancellationToken));
            var step = Assert.Single(json.RootElement.GetProperty("steps").EnumerateArray());
            Assert.Equal(4, step.GetProperty("clients").GetInt32());
            Assert.Equal(0, step.GetProperty("starved_clients").GetInt32());
            Assert.Equal(0, step.GetProperty("errors").GetInt32());
            Assert.True(step.GetProperty("aggregate_mbps").GetDouble() > 0, log.ToString());
            Assert.True(step.GetProperty("time_to_first_byte").GetProperty("count").GetInt64() >= 4);
            Assert.True(step.GetProperty("failovers_triggered").GetInt32() >= 1, log.ToString());
            Assert.True(step.GetProperty("target_cpu_pct").ValueKind == JsonValueKind.Number);
            // Viewers kept their responses across the switches, which reached the origin as new requests.
            Assert.Equal(0, step.GetProperty("drops").GetInt32());
            Assert.True(origin.RequestCount(ChannelPath) >= 2, $"{origin.RequestCount(ChannelPath)} upstream requests");
        }
        finally
        {
            File.Delete(report);
        }
    }
}
