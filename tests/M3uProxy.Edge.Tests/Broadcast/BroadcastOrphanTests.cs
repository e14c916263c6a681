using System.Globalization;
using System.Text.Json.Nodes;
using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Tests.Infrastructure;
using M3uProxy.Edge.Tests.Transcoding;

namespace M3uProxy.Edge.Tests.Broadcast;

/// <summary>
/// A broadcast's ffmpeg is recorded like a transcoder's: after the proxy is killed with SIGKILL
/// and started again, no ffmpeg of the old run survives and the network's folder is gone.
/// </summary>
[Collection(BroadcastTests.Name)]
public sealed class BroadcastOrphanTests
{
    [Fact]
    public async Task AfterSigkillAndRestart_NoBroadcastFfmpegSurvives_AndItsFolderIsGone()
    {
        var work = Path.Combine(Path.GetTempPath(), $"broadcast-orphans-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        try
        {
            var programme = await File.ReadAllBytesAsync(await TestMedia.GetTsFileAsync(), TestContext.Current.CancellationToken);
            await using var origin = await FakeOrigin.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
            origin.AddLive("live.ts", programme, bytesPerSecond: programme.Length / 10);
            var environment = new Dictionary<string, string>
            {
                ["HLS_TEMP_DIR"] = work,
                ["HLS_BROADCAST_DIR"] = Path.Combine(work, "broadcasts"),
                ["DVR_RECORDING_DIR"] = Path.Combine(work, "dvr"),
            };
            var folder = Path.Combine(work, "broadcasts", "broadcast_n1");
            int pid;
            await using (var proxy = ChildProxy.Start(environment))
            {
                await proxy.WaitUntilUpAsync();
                using var start = await proxy.Client.PostAsync(
                    "broadcast/n1/start",
                    new StringContent($$"""{"stream_url":"{{origin.Url("live.ts")}}","segment_duration":1}""", System.Text.Encoding.UTF8, "application/json"),
                    TestContext.Current.CancellationToken);
                var body = await start.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
                Assert.True(start.IsSuccessStatusCode, body);
                pid = (int)JsonNode.Parse(body)!["ffmpeg_pid"]!;

                // The pid is in this run's ledger, next to the transcoders'.
                var run = Assert.Single(Directory.GetDirectories(Path.Combine(work, "m3u-proxy-transcode"), "run-*"));
                Assert.True(File.Exists(Path.Combine(run, "pids", pid.ToString(CultureInfo.InvariantCulture))), "the broadcast's ffmpeg is not recorded");
                Assert.NotEmpty(Directory.GetFiles(folder, "live*.ts"));

                await proxy.KillAsync();
            }

            await using (var restarted = ChildProxy.Start(environment))
            {
                await restarted.WaitUntilUpAsync();
                await TranscodeFixture.WaitUntilAsync(() => Task.FromResult(!TranscodeFixture.IsAlive(pid)), TimeSpan.FromSeconds(10), "the old broadcast ffmpeg to be gone");
                await TranscodeFixture.WaitUntilAsync(() => Task.FromResult(!Directory.Exists(folder)), TimeSpan.FromSeconds(10), "the old broadcast folder to be gone");
                using var list = await restarted.Client.GetAsync("broadcast", TestContext.Current.CancellationToken);
                Assert.Equal(0, (int)JsonNode.Parse(await list.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["count"]!);
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
