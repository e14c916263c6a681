using M3uProxy.Edge.FanOut;
using M3uProxy.Edge.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace M3uProxy.Edge.Tests.FanOut;

/// <summary>A live channel's life around its pooled buffer.</summary>
public sealed class LiveChannelTests
{
    [Fact]
    public async Task AReaderJoiningAfterTheChannelReleasedItsBuffer_ReadsNothingButTheEnd()
    {
        var channel = new LiveChannel("s", new OneShotSource(TsPacketFactory.Create(2_000)), new LiveChannelOptions(262_144), NullLogger.Instance);
        channel.Start();
        var first = channel.AddReader(0);
        while (channel.Buffer.TryRead(first, out var data) is FanOutReadStatus.Data or FanOutReadStatus.Empty)
        {
            if (data.Length > 0)
            {
                channel.Buffer.Advance(first, data.Length);
            }
            else
            {
                await first.WaitForDataAsync(TestContext.Current.CancellationToken);
            }
        }

        await channel.Completion;
        channel.RemoveReader(first); // the last reader left: the chunks go back to the pool

        // A late joiner asks for a burst of what was there: it must not read chunks it no longer owns.
        var late = channel.AddReader(1_000_000);

        Assert.Equal(FanOutReadStatus.Ended, channel.Buffer.TryRead(late, out var nothing));
        Assert.True(nothing.IsEmpty);
        channel.RemoveReader(late);
    }

    /// <summary>One source with fixed bytes, then the end of the channel.</summary>
    private sealed class OneShotSource(byte[] content) : IChannelSource
    {
        private bool _opened;

        public Exception? LastError => null;

        public ValueTask<IByteSource?> OpenNextAsync(SourceStop? previous, CancellationToken cancellationToken)
        {
            IByteSource? next = _opened ? null : new MemorySource(content);
            _opened = true;
            return ValueTask.FromResult(next);
        }

        public void Dispose()
        {
        }
    }

    private sealed class MemorySource(byte[] content) : IByteSource
    {
        private int _offset;

        public string Description => "memory";

        public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            var count = Math.Min(buffer.Length, content.Length - _offset);
            content.AsSpan(_offset, count).CopyTo(buffer.Span);
            _offset += count;
            return ValueTask.FromResult(count);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
