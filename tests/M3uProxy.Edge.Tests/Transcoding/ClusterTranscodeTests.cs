using M3uProxy.Edge.Tests.Infrastructure;
using M3uProxy.Edge.Transcoding;

namespace M3uProxy.Edge.Tests.Transcoding;

/// <summary>A transcode in a cluster: created on one instance, watched on two, one ffmpeg and one upstream for the whole cluster.</summary>
[Collection(TranscodingTests.Name)]
public sealed class ClusterTranscodeTests
{
    [Fact]
    public async Task CreatedOnOne_WatchedOnTwo_OneFfmpegAndOneUpstreamInTheCluster()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var origin = await TranscodeFixture.StartOriginAsync();
        await using var a = await ProxyHost.StartAsync(redis.Settings("edge-a"));
        await using var b = await ProxyHost.StartAsync(redis.Settings("edge-b"));
        var id = (string)(await TranscodeFixture.TranscodeAsync(a, new { url = origin.Url(TranscodeFixture.Live), profile = "lowlatency" }))["stream_id"]!;

        await using var onB = await ContinuousViewer.OpenAsync(new Uri(b.BaseAddress, $"stream/{id}").ToString(), "b1"); // B runs the transcode
        await onB.WaitForMoreAsync(188 * 200, TimeSpan.FromSeconds(30));
        await using var onA = await ContinuousViewer.OpenAsync(new Uri(a.BaseAddress, $"stream/{id}").ToString(), "a1"); // A relays B's output
        await onA.WaitForMoreAsync(188 * 200, TimeSpan.FromSeconds(30));

        Assert.Equal(1, b.Services.GetRequiredService<TranscodeSessions>().RunningProcesses);
        Assert.Equal(0, a.Services.GetRequiredService<TranscodeSessions>().RunningProcesses);
        Assert.Equal(1, origin.RequestCount(TranscodeFixture.Live));
    }
}
