using System.Buffers;
using M3uProxy.Edge.Media.Hls;

namespace M3uProxy.Edge.Hls;

/// <summary>
/// The child playlists of a master in document order (variants and renditions), as the upstream
/// URLs the proxy's child URLs stand for. After a failover, a variant of the old master is found
/// again in the new master by its position in this list.
/// </summary>
internal static class ChildPlaylists
{
    public static List<string> Of(UpstreamPlaylist master, bool carryQuery)
    {
        using var mapper = new ChildUrlMapper("", "-", "-", "-", master.FinalUrl, carryQuery, signer: null);
        var collector = new Collector(mapper);
        PlaylistRewriter.Rewrite(master.Bytes, collector, collector);
        return collector.Found;
    }

    /// <summary>A mapper and output that only note the playlist URIs; everything written is dropped.</summary>
    private sealed class Collector : IPlaylistUriMapper, IBufferWriter<byte>
    {
        private readonly ChildUrlMapper _resolver;
        private byte[] _discard = new byte[256];

        public Collector(ChildUrlMapper resolver) => _resolver = resolver;

        public List<string> Found { get; } = [];

        public bool CanMap(ReadOnlySpan<byte> uri) => true;

        public void Write(ReadOnlySpan<byte> uri, PlaylistUriKind kind, IBufferWriter<byte> output)
        {
            if (kind == PlaylistUriKind.Playlist && _resolver.TargetOf(uri) is { } target)
            {
                Found.Add(target);
            }
        }

        public void Advance(int count)
        {
        }

        public Memory<byte> GetMemory(int sizeHint = 0) => Grow(sizeHint);

        public Span<byte> GetSpan(int sizeHint = 0) => Grow(sizeHint);

        private byte[] Grow(int sizeHint)
        {
            if (_discard.Length < sizeHint)
            {
                _discard = new byte[sizeHint];
            }

            return _discard;
        }
    }
}
