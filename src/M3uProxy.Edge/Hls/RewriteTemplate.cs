using System.Buffers;
using M3uProxy.Edge.Media.Hls;

namespace M3uProxy.Edge.Hls;

/// <summary>
/// A cached upstream playlist rewritten once for a stream, with holes where each child URL names its
/// client: every later request for the same bytes copies the pieces around its own
/// <c>&amp;client_id=…</c> instead of resolving, encoding and signing every URI again (signatures
/// depend on the stream and the target, not on the client).
/// </summary>
internal sealed class RewriteTemplate
{
    private readonly byte[] _bytes;
    private readonly int[] _holes;

    private RewriteTemplate(string streamId, string parentId, byte[] bytes, int[] holes)
    {
        StreamId = streamId;
        ParentId = parentId;
        _bytes = bytes;
        _holes = holes;
    }

    /// <summary>The stream whose child URLs the template holds.</summary>
    public string StreamId { get; }

    /// <summary>The top-level stream its playlist URLs name as parent.</summary>
    public string ParentId { get; }

    /// <summary>Rewrites <paramref name="playlist"/> once for the stream, leaving a hole for the client in each child URL.</summary>
    public static RewriteTemplate Build(ReadOnlySpan<byte> playlist, string rootPath, string streamId, string parentId, string baseUrl, bool carryQuery, UrlSigner signer)
    {
        var output = new HoleWriter();
        using (var mapper = new ChildUrlMapper(rootPath, streamId, parentId, clientId: null, baseUrl, carryQuery, signer))
        {
            PlaylistRewriter.Rewrite(playlist, output, mapper);
        }

        return new RewriteTemplate(streamId, parentId, output.Bytes.WrittenSpan.ToArray(), [.. output.Holes]);
    }

    /// <summary>The template's bytes with <paramref name="clientPart"/> (<c>&amp;client_id=…</c>) in every hole.</summary>
    public void Write(IBufferWriter<byte> output, ReadOnlySpan<byte> clientPart)
    {
        var start = 0;
        foreach (var hole in _holes)
        {
            output.Write(_bytes.AsSpan(start, hole - start));
            output.Write(clientPart);
            start = hole;
        }

        output.Write(_bytes.AsSpan(start));
    }

    /// <summary>Collects a template rewrite's bytes and the places the mapper left for the client.</summary>
    internal sealed class HoleWriter : IBufferWriter<byte>
    {
        public ArrayBufferWriter<byte> Bytes { get; } = new();

        public List<int> Holes { get; } = [];

        public void MarkHole() => Holes.Add(Bytes.WrittenCount);

        public void Advance(int count) => Bytes.Advance(count);

        public Memory<byte> GetMemory(int sizeHint = 0) => Bytes.GetMemory(sizeHint);

        public Span<byte> GetSpan(int sizeHint = 0) => Bytes.GetSpan(sizeHint);
    }
}
