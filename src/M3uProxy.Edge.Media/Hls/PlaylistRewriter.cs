using System.Buffers;

namespace M3uProxy.Edge.Media.Hls;

/// <summary>
/// Rewrites every URI of a playlist and nothing else. Lines are read from the bytes and written
/// straight to the output: a line without a URI goes out byte for byte (unknown and vendor tags
/// included), a URI line is replaced by the mapper's URI, and in a tag each <c>URI="…"</c>-style
/// attribute value is replaced in place. Whether a URI names another playlist is decided by where
/// it stands (after <c>EXT-X-STREAM-INF</c>, in <c>EXT-X-MEDIA</c>…), never by its extension.
/// A line whose URI cannot be mapped, or whose URI attributes are malformed, is left out, so no
/// upstream URI ever reaches the player.
/// </summary>
public static class PlaylistRewriter
{
    // More URI attributes than this on one line is not a playlist a player would read.
    private const int MaxUrisPerTag = 16;

    public static void Rewrite(ReadOnlySpan<byte> playlist, IBufferWriter<byte> output, IPlaylistUriMapper mapper)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(mapper);
        var reader = new PlaylistLineReader(playlist);
        var nextUriIsPlaylist = false;
        while (reader.TryRead(out var line))
        {
            switch (line.Kind)
            {
                case PlaylistLineKind.Uri:
                    var uri = line.Text.Trim(" \t"u8);
                    if (mapper.CanMap(uri))
                    {
                        mapper.Write(uri, nextUriIsPlaylist ? PlaylistUriKind.Playlist : PlaylistUriKind.Resource, output);
                        output.Write(line.Terminator);
                    }

                    nextUriIsPlaylist = false;
                    break;
                case PlaylistLineKind.Tag:
                    var name = TagName(line.Text);
                    if (name.SequenceEqual("EXT-X-STREAM-INF"u8))
                    {
                        nextUriIsPlaylist = true;
                    }

                    WriteTag(line, name, output, mapper);
                    break;
                default:
                    output.Write(line.Text);
                    output.Write(line.Terminator);
                    break;
            }
        }
    }

    /// <summary>The tag's name without <c>#</c> and without its value: <c>EXT-X-KEY</c> for <c>#EXT-X-KEY:METHOD=…</c>.</summary>
    public static ReadOnlySpan<byte> TagName(ReadOnlySpan<byte> text)
    {
        text = text.TrimStart(" \t"u8);
        if (text.IsEmpty || text[0] != '#')
        {
            return default;
        }

        text = text[1..];
        var colon = text.IndexOf((byte)':');
        return colon < 0 ? text.TrimEnd(" \t"u8) : text[..colon];
    }

    private static void WriteTag(PlaylistLine line, ReadOnlySpan<byte> name, IBufferWriter<byte> output, IPlaylistUriMapper mapper)
    {
        var text = line.Text;
        // EXTINF's value is a duration and a free-text title, not an attribute list.
        if (name.SequenceEqual("EXTINF"u8) || (text.IndexOf("URI="u8) < 0 && text.IndexOf("X-ASSET-LIST="u8) < 0))
        {
            output.Write(text);
            output.Write(line.Terminator);
            return;
        }

        Span<int> starts = stackalloc int[MaxUrisPerTag];
        Span<int> ends = stackalloc int[MaxUrisPerTag];
        Span<bool> playlists = stackalloc bool[MaxUrisPerTag];
        var count = FindUriAttributes(text, name, starts, ends, playlists);
        if (count < 0)
        {
            return; // malformed: dropped rather than passed through with an upstream URI in it
        }

        for (var i = 0; i < count; i++)
        {
            if (!mapper.CanMap(text[starts[i]..ends[i]]))
            {
                return;
            }
        }

        var written = 0;
        for (var i = 0; i < count; i++)
        {
            output.Write(text[written..starts[i]]);
            mapper.Write(text[starts[i]..ends[i]], playlists[i] ? PlaylistUriKind.Playlist : PlaylistUriKind.Resource, output);
            written = ends[i];
        }

        output.Write(text[written..]);
        output.Write(line.Terminator);
    }

    /// <summary>
    /// Finds the values of the URI attributes (<c>URI</c>, any <c>…URI</c>, <c>X-ASSET-LIST</c>) of
    /// an attribute list (RFC 8216 §4.2). Returns how many, or -1 when the line is malformed: a URI
    /// attribute without a complete quoted value, too many of them, or a <c>URI=</c> that is not an
    /// attribute (inside another value), which a less careful reader might take for one.
    /// </summary>
    private static int FindUriAttributes(ReadOnlySpan<byte> text, ReadOnlySpan<byte> tagName, Span<int> starts, Span<int> ends, Span<bool> playlists)
    {
        var colon = text.IndexOf((byte)':');
        if (colon < 0)
        {
            return -1;
        }

        var count = 0;
        var endsInUri = 0;
        var i = colon + 1;
        while (i < text.Length)
        {
            var separator = text[i..].IndexOfAny((byte)'=', (byte)',');
            if (separator < 0)
            {
                break;
            }

            separator += i;
            if (text[separator] == ',')
            {
                i = separator + 1;
                continue;
            }

            var attribute = text[i..separator].Trim(" \t"u8);
            var isUri = attribute.EndsWith("URI"u8) || attribute.SequenceEqual("X-ASSET-LIST"u8);
            var value = separator + 1;
            int next;
            if (value < text.Length && text[value] == '"')
            {
                var close = text[(value + 1)..].IndexOf((byte)'"');
                if (close < 0)
                {
                    return isUri ? -1 : Verify(text, count, endsInUri);
                }

                close += value + 1;
                if (isUri)
                {
                    if (count == starts.Length)
                    {
                        return -1;
                    }

                    starts[count] = value + 1;
                    ends[count] = close;
                    playlists[count] = IsPlaylistAttribute(tagName, attribute);
                    count++;
                    if (attribute.EndsWith("URI"u8))
                    {
                        endsInUri++;
                    }
                }

                next = close + 1;
            }
            else if (isUri)
            {
                return -1;
            }
            else
            {
                next = value;
            }

            var comma = text[next..].IndexOf((byte)',');
            i = comma < 0 ? text.Length : next + comma + 1;
        }

        return Verify(text, count, endsInUri);
    }

    // Every "URI=" in the line must be one of the attributes found; anything else is ambiguous.
    private static int Verify(ReadOnlySpan<byte> text, int count, int endsInUri)
        => Occurrences(text, "URI="u8) == endsInUri && Occurrences(text, "X-ASSET-LIST="u8) == count - endsInUri ? count : -1;

    private static int Occurrences(ReadOnlySpan<byte> text, ReadOnlySpan<byte> value)
    {
        var found = 0;
        int at;
        while ((at = text.IndexOf(value)) >= 0)
        {
            found++;
            text = text[(at + value.Length)..];
        }

        return found;
    }

    private static bool IsPlaylistAttribute(ReadOnlySpan<byte> tagName, ReadOnlySpan<byte> attribute)
    {
        if (attribute.SequenceEqual("X-ASSET-URI"u8))
        {
            return true; // an interstitial's asset is a playlist
        }

        return attribute.SequenceEqual("URI"u8)
            && (tagName.SequenceEqual("EXT-X-MEDIA"u8)
                || tagName.SequenceEqual("EXT-X-I-FRAME-STREAM-INF"u8)
                || tagName.SequenceEqual("EXT-X-IMAGE-STREAM-INF"u8)
                || tagName.SequenceEqual("EXT-X-RENDITION-REPORT"u8));
    }
}
