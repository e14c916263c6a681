using System.Diagnostics.Metrics;
using M3uProxy.Edge.Clients;
using M3uProxy.Edge.Configuration;
using M3uProxy.Edge.FanOut;
using M3uProxy.Edge.Metrics;
using M3uProxy.Edge.Playback;
using M3uProxy.Edge.Streams;
using M3uProxy.Edge.Testing;
using M3uProxy.Edge.Tests.FanOut;
using M3uProxy.Edge.Upstream;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging.Abstractions;

namespace M3uProxy.Edge.Tests.Playback;

/// <summary>
/// Kestrel sends on the flushing thread (EdgeApp), so a write to a fast socket never waits; a copy loop
/// whose input is always ready must still give its thread back between chunks, or 200 downloads keep
/// 200 thread-pool threads and new connections wait seconds for one. Here the input and the output
/// never wait (a full buffer or a memory stream, a memory sink): without the yield each copy would run
/// to its end inside the call; with it, the call returns after the first chunk.
/// </summary>
public sealed class CopyTurnTests : IDisposable
{
    // Two chunks: as far as the pump may run ahead of its slowest reader.
    private static readonly byte[] _payload = TsPacketFactory.Create(2 * FanOutBuffer.ChunkSize / 188);
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task AViewerWhoseNextChunkIsAlreadyThere_GivesItsThreadBack_BetweenChunks()
    {
        var settings = new ProxySettings { ViewerWriteTimeoutSeconds = 30 };
        var time = TimeProvider.System;
        var delivery = new LiveDelivery(null!, new ViewerWatchdog(settings, time), settings, time, NullLogger<LiveDelivery>.Instance, Metrics());
        using var buffer = new FanOutBuffer(16 * FanOutBuffer.ChunkSize, historyBytes: 0, new FanOutMemory(long.MaxValue));
        var reader = buffer.AddReader(0);
        FanOutWrites.Write(buffer, _payload);
        var sink = new MemoryStream();
        var context = new DefaultHttpContext();
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(sink));
        var stream = new StreamRecord(new StreamDefinition("http://origin/live.ts", [], null, "ua", new Dictionary<string, string>(), new Dictionary<string, string>(), false, false, SilenceOverrides.None), time.GetUtcNow());
        var client = new ClientRecord("c1", stream.Id, new ClientIdentity("127.0.0.1", "ua", null), time.GetUtcNow());

        var copying = delivery.CopyToViewerAsync(context, buffer, reader, stream, client, TestContext.Current.CancellationToken);

        Assert.InRange(sink.Length, 1, FanOutBuffer.ChunkSize);
        buffer.Complete(failed: false);
        await copying;
        Assert.Equal(_payload, sink.ToArray());
    }

    [Fact]
    public async Task ABodyCopyWhoseInputIsAlwaysReady_GivesItsThreadBack_BetweenChunks()
    {
        var sink = new MemoryStream();

        var copying = BodyCopier.CopyAsync(new MemoryStream(_payload), sink, new ServedBytes(null, null, Metrics(), TimeProvider.System), progress: null, TestContext.Current.CancellationToken);

        Assert.False(copying.IsCompleted);
        Assert.InRange(sink.Length, 1, BodyCopier.BufferSize);
        var copy = await copying;
        Assert.Equal(CopyResult.Success, copy.Result);
        Assert.Equal(_payload, sink.ToArray());
    }

    private ProxyMetrics Metrics() => new(_services.GetRequiredService<IMeterFactory>());
}
