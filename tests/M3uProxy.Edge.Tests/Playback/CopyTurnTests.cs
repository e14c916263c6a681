using System.Diagnostics.Metrics;
using M3uProxy.Edge.Clients;
using M3uProxy.Edge.Configuration;
using M3uProxy.Edge.FanOut;
using M3uProxy.Edge.Metrics;
using M3uProxy.Edge.Playback;
using M3uProxy.Edge.Streams;
using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Tests.FanOut;
using M3uProxy.Edge.Tests.Infrastructure;
using M3uProxy.Edge.Upstream;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging.Abstractions;

namespace M3uProxy.Edge.Tests.Playback;

/// <summary>
/// Kestrel sends on the flushing thread (EdgeApp), so a write to a fast socket never waits; a copy loop
/// whose input is always ready must still give its thread back, or 200 downloads keep 200 thread-pool
/// threads and new connections wait seconds for one — once per turn of bytes, not per fan-out chunk.
/// Here neither the input (a full buffer, a memory stream) nor the output (a memory sink) ever waits,
/// and the copy runs on a context that holds what it posts: without the yield each copy would run to
/// its end inside the call; a viewer yielding per chunk would return before a turn's bytes were sent.
/// </summary>
public sealed class CopyTurnTests : IDisposable
{
    // A turn and a half: the copy must give its thread back once, after a whole turn.
    private static readonly byte[] _payload = TsPacketFactory.Create((CopyTurn.TurnBytes + (CopyTurn.TurnBytes / 2)) / 188);
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public void Dispose() => _services.Dispose();

    [Fact]
    public void AThread_YieldsAfterATurnOfBytes_AndStartsANewTurnThen()
    {
        var half = CopyTurn.TurnBytes / 2;

        var turnsUp = OwnThread.Run(() => new[] { CopyTurn.Sent(half), CopyTurn.Sent(half - 1), CopyTurn.Sent(1), CopyTurn.Sent(half) });

        Assert.Equal([false, false, true, false], turnsUp);
    }

    [Fact]
    public async Task AViewerWhoseNextBytesAreAlreadyThere_SendsAWholeTurn_ThenGivesItsThreadBack()
    {
        var settings = new ProxySettings { ViewerWriteTimeoutSeconds = 30 };
        var time = TimeProvider.System;
        var delivery = new LiveDelivery(null!, new ViewerWatchdog(settings, time), settings, time, NullLogger<LiveDelivery>.Instance, Metrics());
        using var buffer = new FanOutBuffer(64 * FanOutBuffer.ChunkSize, historyBytes: 0, new FanOutMemory(long.MaxValue));
        var reader = buffer.AddReader(0);
        buffer.ReadAhead(reader, _payload.Length); // as a strict pre-buffer does: the writer may run this far ahead
        FanOutWrites.Write(buffer, _payload);
        buffer.Complete(failed: false);
        var sink = new MemoryStream();
        var context = new DefaultHttpContext();
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(sink));
        var stream = new StreamRecord(new StreamDefinition("http://origin/live.ts", [], null, "ua", new Dictionary<string, string>(), new Dictionary<string, string>(), false, false, SilenceOverrides.None), time.GetUtcNow());
        var client = new ClientRecord("c1", stream.Id, new ClientIdentity("127.0.0.1", "ua", null), time.GetUtcNow());
        var threads = new ManualSynchronizationContext();

        var copying = threads.Start(() => delivery.CopyToViewerAsync(context, buffer, reader, stream, client, TestContext.Current.CancellationToken));

        Assert.False(copying.IsCompleted);
        Assert.InRange(sink.Length, CopyTurn.TurnBytes, CopyTurn.TurnBytes + FanOutBuffer.ChunkSize - 1);
        await threads.RunUntilAsync(copying);
        Assert.Equal(1, threads.Posts);
        Assert.Equal(_payload, sink.ToArray());
    }

    [Fact]
    public async Task ABodyCopyWhoseInputIsAlwaysReady_SendsAWholeTurn_ThenGivesItsThreadBack()
    {
        var sink = new MemoryStream();
        var threads = new ManualSynchronizationContext();

        var copying = threads.Start(() => BodyCopier.CopyAsync(new MemoryStream(_payload), sink, new ServedBytes(null, null, Metrics(), TimeProvider.System), progress: null, TestContext.Current.CancellationToken));

        Assert.False(copying.IsCompleted);
        Assert.InRange(sink.Length, CopyTurn.TurnBytes, CopyTurn.TurnBytes + BodyCopier.BufferSize - 1);
        await threads.RunUntilAsync(copying);
        Assert.Equal(1, threads.Posts);
        var copy = await copying;
        Assert.Equal(CopyResult.Success, copy.Result);
        Assert.Equal(_payload, sink.ToArray());
    }

    private ProxyMetrics Metrics() => new(_services.GetRequiredService<IMeterFactory>());
}
