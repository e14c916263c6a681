using M3uProxy.Edge.Configuration;
using M3uProxy.Edge.Failover;
using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Upstream;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace M3uProxy.Edge.Tests.Failover;

/// <summary>
/// What the pump's direct path rests on: an upstream body from the real <see cref="UpstreamClient"/>
/// (SocketsHttpHandler over loopback, a real Kestrel origin) waits for data in a zero-byte read —
/// with no buffer — and the read after it returns at once.
/// </summary>
public sealed class SupervisedByteSourceTests
{
    private static readonly byte[] _packets = TsPacketFactory.Create(40);

    [Theory]
    [InlineData(true)] // Content-Length
    [InlineData(false)] // chunked
    public async Task WaitingForData_WaitsUntilTheOriginSendsMore_ThenTheReadCompletesAtOnce(bool withLength)
    {
        var cancel = TestContext.Current.CancellationToken;
        var more = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var end = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        app.MapGet("/live.ts", async (HttpContext context) =>
        {
            context.Response.ContentType = "video/mp2t";
            if (withLength)
            {
                context.Response.ContentLength = _packets.Length;
            }

            await context.Response.Body.WriteAsync(_packets.AsMemory(0, 20 * 188), cancel);
            await context.Response.Body.FlushAsync(cancel);
            await more.Task.WaitAsync(cancel);
            await context.Response.Body.WriteAsync(_packets.AsMemory(20 * 188), cancel);
            await context.Response.Body.FlushAsync(cancel);
            await end.Task.WaitAsync(cancel);
        });
        await app.StartAsync(cancel);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var client = new UpstreamClient(new ProxySettings { ConnectTimeoutSeconds = 5, LiveReadTimeoutSeconds = 10, UpstreamMaxRedirects = 5 });
        var response = await client.SendAsync(new UpstreamRequest(address + "/live.ts", "test", new Dictionary<string, string>()), cancel);
        await using var source = new SupervisedByteSource(response, TimeSpan.FromSeconds(30), TimeProvider.System, cancel);
        var buffer = new byte[64 * 1024];

        Assert.False(source.CanWaitForData); // the first bytes are sniffed first
        var first = 0;
        while (first < 20 * 188)
        {
            first += await source.ReadAsync(buffer.AsMemory(first), cancel);
        }

        Assert.True(source.CanWaitForData);
        var waiting = source.WaitForDataAsync(cancel).AsTask();
        await Task.WhenAny(waiting, Task.Delay(TimeSpan.FromMilliseconds(500), cancel));
        Assert.False(waiting.IsCompleted, "a zero-byte read on a quiet body must wait, not return at once");

        more.SetResult();
        await waiting.WaitAsync(TimeSpan.FromSeconds(10), cancel);
        var read = source.ReadAsync(buffer, cancel);
        Assert.True(read.IsCompleted, "once the wait is over, the read must not wait again");
        var rest = await read;
        while (rest < 20 * 188)
        {
            rest += await source.ReadAsync(buffer.AsMemory(rest), cancel);
        }

        Assert.Equal(_packets.AsSpan(20 * 188).ToArray(), buffer.AsSpan(0, rest).ToArray());

        // The end of the body also ends the wait, and the read after it returns 0.
        end.SetResult();
        await source.WaitForDataAsync(cancel).AsTask().WaitAsync(TimeSpan.FromSeconds(10), cancel);
        Assert.Equal(0, await source.ReadAsync(buffer, cancel));
    }
}
