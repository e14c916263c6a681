using System.Globalization;
using System.Text;

namespace M3uProxy.Edge.Broadcast;

/// <summary>
/// The network's <c>live.m3u8</c>, owned by the proxy rather than by ffmpeg (as ErsatzTV does), so
/// it survives programme changes: segment numbers and <c>EXT-X-MEDIA-SEQUENCE</c> continue across
/// programmes, each new programme starts with <c>EXT-X-DISCONTINUITY</c>, and
/// <c>EXT-X-DISCONTINUITY-SEQUENCE</c> counts the ones that left the window. A sliding window of
/// <c>hls_list_size</c> segments, or every segment in DVR mode. Not thread-safe: the owner locks.
/// </summary>
internal sealed class BroadcastPlaylist
{
    private readonly List<PlaylistSegment> _segments = [];
    private int _windowSize;
    private long _discontinuitySequence;
    private int _targetDuration;

    /// <param name="windowSize">Segments listed; 0 lists every segment (DVR).</param>
    /// <param name="targetDuration">The requested segment length in seconds.</param>
    public BroadcastPlaylist(int windowSize, int targetDuration)
    {
        _windowSize = windowSize;
        _targetDuration = Math.Max(1, targetDuration);
    }

    public IReadOnlyList<PlaylistSegment> Segments => _segments;

    public int WindowSize => _windowSize;

    /// <summary>The number of the newest segment, or null when there is none yet.</summary>
    public long? LastNumber => _segments.Count > 0 ? _segments[^1].Number : null;

    public bool IsDvr => _windowSize == 0;

    /// <summary>The next programme may use another window or segment length.</summary>
    public void Reconfigure(int windowSize, int targetDuration)
    {
        _windowSize = windowSize;
        _targetDuration = Math.Max(_targetDuration, targetDuration);
    }

    /// <summary>
    /// Appends a finished segment and returns the segments that left the window (the caller deletes
    /// their files once players can no longer be fetching them).
    /// </summary>
    public IReadOnlyList<PlaylistSegment> Add(PlaylistSegment segment)
    {
        if (LastNumber is { } last && segment.Number <= last)
        {
            throw new InvalidOperationException($"Segment {segment.Number} does not follow {last}.");
        }

        _segments.Add(segment);
        // A target duration may never shrink, and must cover every listed segment (RFC 8216 §4.3.3.1).
        _targetDuration = Math.Max(_targetDuration, (int)Math.Round(segment.Duration, MidpointRounding.AwayFromZero));
        if (_windowSize == 0 || _segments.Count <= _windowSize)
        {
            return [];
        }

        var removed = _segments.GetRange(0, _segments.Count - _windowSize);
        _segments.RemoveRange(0, removed.Count);
        _discontinuitySequence += removed.Count(s => s.Discontinuity);
        return removed;
    }

    public string Render()
    {
        var text = new StringBuilder(256 + (_segments.Count * 96));
        text.Append("#EXTM3U\n#EXT-X-VERSION:3\n");
        text.Append(CultureInfo.InvariantCulture, $"#EXT-X-TARGETDURATION:{_targetDuration}\n");
        text.Append(CultureInfo.InvariantCulture, $"#EXT-X-MEDIA-SEQUENCE:{(_segments.Count > 0 ? _segments[0].Number : 0)}\n");
        if (_discontinuitySequence > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"#EXT-X-DISCONTINUITY-SEQUENCE:{_discontinuitySequence}\n");
        }

        if (IsDvr)
        {
            // Nothing is ever removed, so players may offer seeking back to the first segment.
            text.Append("#EXT-X-PLAYLIST-TYPE:EVENT\n");
        }

        text.Append("#EXT-X-INDEPENDENT-SEGMENTS\n");
        foreach (var segment in _segments)
        {
            if (segment.Discontinuity)
            {
                text.Append("#EXT-X-DISCONTINUITY\n");
            }

            text.Append("#EXT-X-PROGRAM-DATE-TIME:")
                .Append(segment.ProgramDateTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture))
                .Append('\n');
            text.Append(CultureInfo.InvariantCulture, $"#EXTINF:{segment.Duration:0.000000},\n");
            text.Append(segment.FileName).Append('\n');
        }

        return text.ToString();
    }
}

/// <summary>One finished segment: <c>live%06d.ts</c>, its length, and whether a new programme starts with it.</summary>
internal sealed record PlaylistSegment(long Number, double Duration, DateTimeOffset ProgramDateTime, bool Discontinuity, long Bytes)
{
    public string FileName => SegmentName(Number);

    public static string SegmentName(long number) => Tools.Ffmpeg.HlsOutputDirectory.SegmentName(BroadcastFiles.SegmentPrefix, number);
}
