using System.Globalization;
using M3uProxy.Edge.Events;
using M3uProxy.Edge.Tests.Infrastructure;
using M3uProxy.Edge.Transcoding;
using Microsoft.Extensions.Time.Testing;

namespace M3uProxy.Edge.Tests.Transcoding;

/// <summary>
/// A hung ffmpeg (SIGSTOP: it stops reading its stdin and writes nothing) is found by the stall
/// check and restarted; "3 restarts a minute" is counted on the injected clock, and the fourth
/// stall within a minute fails the stream with <c>stream_failed</c> (reason <c>transcode_stalled</c>).
/// </summary>
[Collection(TranscodingTests.Name)]
public sealed class TranscodeRestartLimitTests
{
    private static readonly Dictionary<string, string?> _settings = new()
    {
        ["TRANSCODE_STALL_TIMEOUT"] = "2",
        ["SHARED_STREAM_GRACE"] = "1",
        // Only the transcoder's clock matters here: nothing else may time out when the fake clock jumps.
        ["LIVE_CHUNK_TIMEOUT_SECONDS"] = "0",
        ["CLIENT_TIMEOUT"] = "86400",
        ["CLEANUP_INTERVAL"] = "3600",
        ["VIEWER_WRITE_TIMEOUT"] = "3600",
    };

    [Fact]
    public async Task StalledFfmpeg_IsRestarted_AndTheFourthStallWithinAMinuteOfTheInjectedClock_FailsTheStream()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var origin = await TranscodeFixture.StartOriginAsync();
        await using var proxy = await ProxyHost.StartAsync(_settings, time);
        var created = await TranscodeFixture.TranscodeAsync(proxy, new { url = origin.Url(TranscodeFixture.Live), profile = "lowlatency" });
        var id = (string)created["stream_id"]!;
        var sessions = proxy.Services.GetRequiredService<TranscodeSessions>();

        using var client = new MediaClient();
        using var response = await client.OpenAsync(new Uri(proxy.BaseAddress, $"stream/{id}").ToString(), cancellationToken: TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);
        long received = 0;
        var viewer = Task.Run(DrainAsync, TestContext.Current.CancellationToken);
        await TranscodeFixture.WaitUntilAsync(() => Task.FromResult(Interlocked.Read(ref received) > 0), TimeSpan.FromSeconds(30), "the first transcoded bytes");

        // Two stalls, then one that lasts past the minute: the first two restarts no longer count.
        await StallAsync(expectedRestarts: 1);
        await StallAsync(expectedRestarts: 2);
        await StallAsync(expectedRestarts: 3, TimeSpan.FromSeconds(61));
        await StallAsync(expectedRestarts: 4);
        await StallAsync(expectedRestarts: 5);
        Assert.Empty(proxy.EventsOf(EventType.StreamFailed));

        // A fourth stall within the (injected) minute: no restart, the stream fails and the viewer's response ends.
        Assert.True(sessions.TryGet(id, out var session));
        var lastPid = session.Process!.Id;
        Signal("STOP", lastPid);
        await Task.Delay(1000, TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromSeconds(3));
        await TranscodeFixture.WaitUntilAsync(() => Task.FromResult(proxy.EventsOf(EventType.StreamFailed).Count > 0), TimeSpan.FromSeconds(20), "stream_failed");
        var failed = Assert.Single(proxy.EventsOf(EventType.StreamFailed));
        Assert.Equal(id, failed.StreamId);
        Assert.Equal("transcode_stalled", (string?)failed.Data["reason"]);
        Assert.Equal(5, session.Restarts);
        Assert.Equal("failed", session.State);
        await viewer.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
        await TranscodeFixture.WaitUntilAsync(() => Task.FromResult(!TranscodeFixture.IsAlive(lastPid)), TimeSpan.FromSeconds(10), "the stalled ffmpeg to be killed");

        async Task DrainAsync()
        {
            var buffer = new byte[64 * 1024];
            try
            {
                int read;
                while ((read = await body.ReadAsync(buffer, TestContext.Current.CancellationToken)) > 0)
                {
                    Interlocked.Add(ref received, read);
                }
            }
            catch (Exception exception) when (exception is IOException or HttpRequestException)
            {
                // The response ended abruptly: ended all the same.
            }
        }

        // Nothing but the stalled ffmpeg may see the clock jump: a fresh one that has not written yet would look stalled too.
        async Task StallAsync(int expectedRestarts, TimeSpan? lasting = null)
        {
            Assert.True(sessions.TryGet(id, out var current));
            var pid = current.Process!.Id;
            Signal("STOP", pid);

            // Its stdin fills and the proxy's write waits: fed, yet silent. Only the injected clock says for how long.
            await Task.Delay(1000, TestContext.Current.CancellationToken);
            Assert.Equal(expectedRestarts - 1, current.Restarts);
            time.Advance(lasting ?? TimeSpan.FromSeconds(3));
            await TranscodeFixture.WaitUntilAsync(
                () => Task.FromResult(current.Restarts == expectedRestarts && current.Process is { } next && next.Id != pid),
                TimeSpan.FromSeconds(20),
                $"restart {expectedRestarts} (state {current.State}, restarts {current.Restarts})");
            await TranscodeFixture.WaitUntilAsync(() => Task.FromResult(!TranscodeFixture.IsAlive(pid)), TimeSpan.FromSeconds(10), "the stalled ffmpeg to be killed");
        }
    }

    private static void Signal(string signal, int pid)
    {
        using var kill = System.Diagnostics.Process.Start("kill", ["-" + signal, pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }
}
