using M3uProxy.Edge.Tools.Ffmpeg;

namespace M3uProxy.Edge.Broadcast;

/// <summary>
/// A network's HLS output across its programmes: the folder, the proxy-owned playlist and the
/// segments that left its window. Each finished segment is published here; the playlist is
/// rewritten to <c>live.m3u8</c> (atomically) and kept in memory for serving. Segments that left
/// the window are deleted once <see cref="ExtraSegmentsKept"/> newer ones have left too, so a
/// player that read the previous playlist can still fetch them. Thread-safe.
/// </summary>
internal sealed class BroadcastOutput
{
    /// <summary>Segments kept on disk past the window (HLS asks for a grace after removal from the playlist).</summary>
    public const int ExtraSegmentsKept = 3;

    private readonly Lock _gate = new();
    private readonly BroadcastPlaylist _playlist;
    private readonly Queue<PlaylistSegment> _retired = new();
    private string? _text;
    private double _totalDuration;

    public BroadcastOutput(HlsOutputDirectory folder, string directoryName, bool dvr, int windowSize, int segmentDuration)
    {
        Folder = folder;
        DirectoryName = directoryName;
        IsDvr = dvr;
        _playlist = new BroadcastPlaylist(dvr ? 0 : windowSize, segmentDuration);
    }

    /// <summary>ffmpeg's folder (its absolute path is for the file system only, never for an answer).</summary>
    public HlsOutputDirectory Folder { get; }

    /// <summary><c>broadcast_&lt;id&gt;</c>, relative to the broadcast (or DVR) folder: what answers show.</summary>
    public string DirectoryName { get; }

    public bool IsDvr { get; }

    /// <summary>The playlist text once a segment exists, else null.</summary>
    public string? PlaylistText => Volatile.Read(ref _text);

    public long? LastNumber
    {
        get
        {
            lock (_gate)
            {
                return _playlist.LastNumber;
            }
        }
    }

    /// <summary>Seconds of media published so far: where the next programme's timestamps start.</summary>
    public double TotalDuration
    {
        get
        {
            lock (_gate)
            {
                return _totalDuration;
            }
        }
    }

    /// <summary>The next programme may use another window or segment length.</summary>
    public void Reconfigure(int windowSize, int segmentDuration)
    {
        lock (_gate)
        {
            _playlist.Reconfigure(IsDvr ? 0 : windowSize, segmentDuration);
        }
    }

    public void Publish(PlaylistSegment segment)
    {
        List<PlaylistSegment> expired = [];
        lock (_gate)
        {
            _totalDuration += segment.Duration;
            foreach (var removed in _playlist.Add(segment))
            {
                _retired.Enqueue(removed);
            }

            while (_retired.Count > ExtraSegmentsKept)
            {
                expired.Add(_retired.Dequeue());
            }

            var text = _playlist.Render();
            Folder.WriteAtomically(Folder.PlaylistName, text);
            Volatile.Write(ref _text, text);
        }

        foreach (var old in expired)
        {
            Folder.DeleteFile(old.FileName);
        }
    }

    /// <summary>Whether <paramref name="fileName"/> is listed or still kept past the window.</summary>
    public bool IsReferenced(string fileName)
    {
        lock (_gate)
        {
            return _playlist.Segments.Any(s => s.FileName == fileName) || _retired.Any(s => s.FileName == fileName);
        }
    }
}
