using System.Diagnostics;
using System.Text.Json.Nodes;
using M3uProxy.Edge.Tests.Infrastructure;

namespace M3uProxy.Edge.Tests.Transcoding;

/// <summary>No orphans: after the proxy is killed with SIGKILL and started again, no ffmpeg of the old run survives and its folders are gone.</summary>
[Collection(TranscodingTests.Name)]
public sealed class OrphanTests
{
    [Fact]
    public async Task AfterSigkillAndRestart_NoOldFfmpegSurvives_AndItsFoldersAreGone()
    {
        var work = Path.Combine(Path.GetTempPath(), $"orphans-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        try
        {
            await using var origin = await TranscodeFixture.StartOriginAsync();
            var environment = new Dictionary<string, string> { ["HLS_TEMP_DIR"] = work, ["SHARED_STREAM_GRACE"] = "30" };
            int pid;
            string runFolder;
            await using (var proxy = ChildProxy.Start(environment))
            {
                await proxy.WaitUntilUpAsync();
                using var create = await proxy.Client.PostAsync(
                    "transcode",
                    new StringContent($$"""{"url":"{{origin.Url(TranscodeFixture.Live)}}","profile":"lowlatency","output_format":"hls"}""", System.Text.Encoding.UTF8, "application/json"),
                    TestContext.Current.CancellationToken);
                var created = JsonNode.Parse(await create.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
                var id = (string)created["stream_id"]!;
                using (var playlist = await proxy.Client.GetAsync($"hls/{id}/playlist.m3u8", TestContext.Current.CancellationToken))
                {
                    Assert.True(playlist.IsSuccessStatusCode, await playlist.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
                }

                var detail = JsonNode.Parse(await proxy.Client.GetStringAsync($"streams/{id}", TestContext.Current.CancellationToken))!;
                pid = (int)detail["transcoding"]!["ffmpeg_pid"]!;
                runFolder = Assert.Single(Directory.GetDirectories(Path.Combine(work, "m3u-proxy-transcode"), "run-*"));
                Assert.NotEmpty(Directory.GetFiles(Assert.Single(Directory.GetDirectories(runFolder, "hls-*"))));

                await proxy.KillAsync();
            }

            // The old run's folder (with its segments) outlives the kill until the next start.
            Assert.True(Directory.Exists(runFolder));
            await using (var restarted = ChildProxy.Start(environment))
            {
                await restarted.WaitUntilUpAsync();
                await TranscodeFixture.WaitUntilAsync(() => Task.FromResult(!TranscodeFixture.IsAlive(pid)), TimeSpan.FromSeconds(10), "the old ffmpeg to be gone");
                Assert.False(Directory.Exists(runFolder), "the old run's folder survived the restart");
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public async Task Ledger_KillsTheRecordedChildrenOfADeadRun()
    {
        var work = Path.Combine(Path.GetTempPath(), $"ledger-{Guid.NewGuid():N}");
        using var sleeper = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        try
        {
            // A run whose proxy is gone (pid 1 never has this start time), with a surviving child and an HLS folder.
            var dead = Path.Combine(work, "run-999999-1");
            Directory.CreateDirectory(Path.Combine(dead, "pids"));
            Directory.CreateDirectory(Path.Combine(dead, "hls-0123"));
            await File.WriteAllTextAsync(Path.Combine(dead, "hls-0123", "seg_000001.ts"), "x", TestContext.Current.CancellationToken);
            var stat = await File.ReadAllTextAsync($"/proc/{sleeper.Id}/stat", TestContext.Current.CancellationToken);
            await File.WriteAllTextAsync(Path.Combine(dead, "pids", sleeper.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19], TestContext.Current.CancellationToken);

            _ = new Edge.Tools.ProcessLedger(work, Microsoft.Extensions.Logging.Abstractions.NullLogger<Edge.Tools.ProcessLedger>.Instance);

            Assert.True(sleeper.WaitForExit(5000), "the dead run's child survived");
            Assert.False(Directory.Exists(dead));
        }
        finally
        {
            if (!sleeper.HasExited)
            {
                sleeper.Kill();
            }

            Directory.Delete(work, recursive: true);
        }
    }
}
