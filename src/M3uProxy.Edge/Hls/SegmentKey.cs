namespace M3uProxy.Edge.Hls;

/// <summary>What identifies a segment answer: the URL and the byte range asked for (byte-range playlists ask for many ranges of one URL).</summary>
internal readonly record struct SegmentKey(string Url, string? Range);
