using M3uProxy.Edge.FanOut;

namespace M3uProxy.Edge.Tests.FanOut;

/// <summary>Writes into a fan-out buffer as the pump does, on the calling thread (the buffer must have room).</summary>
internal static class FanOutWrites
{
    public static void Write(FanOutBuffer buffer, ReadOnlySpan<byte> payload)
    {
        var written = 0;
        while (written < payload.Length)
        {
            var pending = buffer.GetWriteMemoryAsync(CancellationToken.None);
            Assert.True(pending.IsCompletedSuccessfully);
            var memory = pending.Result;
            var count = Math.Min(memory.Length, payload.Length - written);
            payload.Slice(written, count).CopyTo(memory.Span);
            buffer.Commit(memory, count);
            written += count;
        }
    }
}
