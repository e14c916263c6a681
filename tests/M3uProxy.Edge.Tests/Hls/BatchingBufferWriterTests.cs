using System.Buffers;
using System.Text;
using M3uProxy.Edge.Hls;
using M3uProxy.Edge.Media.Hls;

namespace M3uProxy.Edge.Tests.Hls;

/// <summary>A playlist rewrite reaches the response writer in a few large advances, byte for byte the same.</summary>
public sealed class BatchingBufferWriterTests
{
    [Theory]
    [MemberData(nameof(RewriteTemplateTests.Inputs), MemberType = typeof(RewriteTemplateTests))]
    public void ARewriteThroughTheBatchingWriter_IsTheSameBytes_InFewAdvances(string file)
    {
        var input = File.ReadAllBytes(Path.Combine(GoldenPlaylists.Folder, file));
        var direct = new CountingWriter();
        var inner = new CountingWriter();
        var batching = new BatchingBufferWriter(inner);

        Rewrite(input, direct);
        Rewrite(input, batching);
        batching.Commit();

        Assert.Equal(Encoding.UTF8.GetString(direct.Output.WrittenSpan), Encoding.UTF8.GetString(inner.Output.WrittenSpan));
        Assert.Equal(direct.Output.WrittenCount, batching.Written);
        // One advance per 4 KiB window (a piece that does not fit opens the next), not one per piece.
        Assert.True(inner.Advances <= (inner.Output.WrittenCount / 2048) + 1, $"{inner.Advances} advances for {inner.Output.WrittenCount} bytes");
        Assert.True(direct.Advances > inner.Advances || direct.Advances <= 1, $"direct {direct.Advances}, batched {inner.Advances}");
    }

    [Fact]
    public void AnAdvancePastTheSpan_IsRefused()
    {
        var batching = new BatchingBufferWriter(new CountingWriter());
        var length = batching.GetSpan(10).Length;

        Assert.Throws<ArgumentOutOfRangeException>(() => batching.Advance(length + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => batching.Advance(-1));
    }

    [Fact]
    public void ALargeRequest_GetsASpanOfAtLeastThatSize()
    {
        var inner = new CountingWriter();
        var batching = new BatchingBufferWriter(inner);
        batching.GetSpan(100)[0] = 1;
        batching.Advance(1);

        var large = batching.GetSpan(20_000);
        Assert.True(large.Length >= 20_000);
        large[..20_000].Fill(2);
        batching.Advance(20_000);
        batching.Commit();

        Assert.Equal(20_001, inner.Output.WrittenCount);
        Assert.Equal(2, inner.Advances);
        Assert.Equal(1, inner.Output.WrittenSpan[0]);
        Assert.Equal(2, inner.Output.WrittenSpan[20_000]);
    }

    private static void Rewrite(byte[] input, IBufferWriter<byte> output)
    {
        using var mapper = new ChildUrlMapper("/m3u-proxy", "stream-a", "parent", "client-1", "https://cdn.example.com/live/index.m3u8", carryQuery: false, GoldenPlaylists.Signer);
        PlaylistRewriter.Rewrite(input, output, mapper);
    }

    /// <summary>An array writer that counts its advances, as a response body's writer would take its lock.</summary>
    private sealed class CountingWriter : IBufferWriter<byte>
    {
        public ArrayBufferWriter<byte> Output { get; } = new();

        public int Advances { get; private set; }

        public void Advance(int count)
        {
            Output.Advance(count);
            Advances++;
        }

        public Memory<byte> GetMemory(int sizeHint = 0) => Output.GetMemory(sizeHint);

        public Span<byte> GetSpan(int sizeHint = 0) => Output.GetSpan(sizeHint);
    }
}
