using System.Buffers;

namespace M3uProxy.Edge.Media.Hls;

/// <summary>Turns a URI found in a playlist into the one the player gets.</summary>
public interface IPlaylistUriMapper
{
    /// <summary>
    /// Whether <paramref name="uri"/> (as written in the playlist, possibly relative) can be
    /// mapped. A line holding a URI that cannot is left out of the output, so nothing unmapped
    /// reaches the player.
    /// </summary>
    bool CanMap(ReadOnlySpan<byte> uri);

    /// <summary>Writes the replacement of <paramref name="uri"/>; called only after <see cref="CanMap"/> said yes.</summary>
    void Write(ReadOnlySpan<byte> uri, PlaylistUriKind kind, IBufferWriter<byte> output);
}
