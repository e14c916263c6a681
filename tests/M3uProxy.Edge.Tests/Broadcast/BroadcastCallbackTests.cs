using M3uProxy.Edge.Tests.Infrastructure;

namespace M3uProxy.Edge.Tests.Broadcast;

/// <summary>Callbacks are retried, bounded, and never hold up the playout (a receiver that fails or hangs).</summary>
[Collection(BroadcastTests.Name)]
public sealed class BroadcastCallbackTests
{
    [Fact]
    public async Task AFailingReceiverGetsThreeAttempts_AndAHangingOneNeverHoldsUpThePlayout()
    {
        await using var sandbox = await BroadcastSandbox.StartAsync(new() { ["BROADCAST_CALLBACK_TIMEOUT"] = "1" });
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.FailWith("/failing", 503, 503, 503, 503, 503);
        receiver.Hang("/hanging");
        try
        {
            var (failing, _) = await sandbox.StartAsync("f", new { stream_url = sandbox.FileUrl, segment_duration = 1, duration_seconds = 2, callback_url = receiver.Url("/failing") });
            var (hanging, _) = await sandbox.StartAsync("h", new { stream_url = sandbox.FileUrl, segment_duration = 1, duration_seconds = 2, callback_url = receiver.Url("/hanging") });
            Assert.Equal(200, failing);
            Assert.Equal(200, hanging);

            // The hanging receiver has the callback and does not answer: the network is done all the same, and the next programme starts.
            await receiver.WaitForAsync("/hanging", r => r.Count >= 1, timeoutSeconds: 30);
            Assert.Equal("stopped", (string?)(await sandbox.StatusAsync("h"))!["status"]);
            var (next, body) = await sandbox.StartAsync("h", new { stream_url = sandbox.FileUrl, segment_duration = 1, duration_seconds = 2 });
            Assert.True(next == 200, body.ToJsonString());

            // Three attempts of the same callback (1 s, then 2 s apart), then no more.
            await receiver.WaitForAsync("/failing", r => r.Count >= 3, timeoutSeconds: 30);
            await receiver.WaitForAsync("/hanging", r => r.Count >= 3, timeoutSeconds: 30);
            await Task.Delay(4000, TestContext.Current.CancellationToken);
            foreach (var path in new[] { "/failing", "/hanging" })
            {
                var attempts = receiver.Received(path);
                Assert.Equal(3, attempts.Count);
                Assert.All(attempts, a => Assert.Equal(attempts[0].Body, a.Body));
                Assert.Equal("programme_ended", (string?)attempts[0].Json["event"]);
            }
        }
        finally
        {
            receiver.Release("/hanging");
        }
    }
}
