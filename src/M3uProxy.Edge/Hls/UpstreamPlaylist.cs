using System.Buffers.Text;
using M3uProxy.Edge.Media.Hls;

namespace M3uProxy.Edge.Hls;

/// <summary>A playlist as the upstream sent it, with what caching and client tracking need to know about it.</summary>
internal sealed class UpstreamPlaylist
{
    public UpstreamPlaylist(byte[] bytes, string finalUrl)
    {
        Bytes = bytes;
        FinalUrl = finalUrl;
        var reader = new PlaylistLineReader(bytes);
        while (reader.TryRead(out var line))
        {
            if (line.Kind != PlaylistLineKind.Tag)
            {
                continue;
            }

            var name = PlaylistRewriter.TagName(line.Text);
            if (name.SequenceEqual("EXT-X-TARGETDURATION"u8))
            {
                var value = line.Text[(line.Text.IndexOf((byte)':') + 1)..].Trim(" \t"u8);
                if (Utf8Parser.TryParse(value, out double seconds, out _) && seconds > 0 && seconds < 3600)
                {
                    TargetDuration = TimeSpan.FromSeconds(seconds);
                }
            }
            else if (name.SequenceEqual("EXT-X-ENDLIST"u8))
            {
                HasEnded = true;
            }
            else if (name.SequenceEqual("EXT-X-STREAM-INF"u8))
            {
                IsMaster = true;
            }
        }
    }

    public byte[] Bytes { get; }

    /// <summary>These bytes rewritten for a stream with a hole for the client (set by the first request that rewrites them).</summary>
    public RewriteTemplate? Template { get; set; }

    /// <summary>The URL that answered, after redirects: the base of relative URIs.</summary>
    public string FinalUrl { get; }

    /// <summary><c>EXT-X-TARGETDURATION</c>, when the playlist is a media playlist that has one.</summary>
    public TimeSpan? TargetDuration { get; }

    /// <summary><c>EXT-X-ENDLIST</c> is present: a VOD or finished event, which never changes.</summary>
    public bool HasEnded { get; }

    /// <summary>A multivariant playlist (has <c>EXT-X-STREAM-INF</c>).</summary>
    public bool IsMaster { get; }
}
