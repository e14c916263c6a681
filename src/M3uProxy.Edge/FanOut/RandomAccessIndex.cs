using M3uProxy.Edge.Media.MpegTs;

namespace M3uProxy.Edge.FanOut;

/// <summary>
/// A channel's recent random access points and media info, kept by scanning every packet the
/// pump publishes (on the pump's thread, right after each commit) with a
/// <see cref="TransportStreamScanner"/>. Joiners start at the latest point; the HLS packager cuts
/// segments at them. Per chunk this allocates nothing: a PAT+PMT copy is made only when they change,
/// and a media info snapshot only when it does.
/// </summary>
internal sealed class RandomAccessIndex
{
    /// <summary>How many recent points are kept (at a 1 s GOP, over a minute; far more than a buffer holds).</summary>
    public const int Capacity = 64;

    private readonly TransportStreamScanner _scanner = new();
    private readonly RandomAccessPoint[] _points = new RandomAccessPoint[Capacity];
    private readonly Lock _gate = new();
    private long _count;
    private long _scanned;
    private int _headerVersion = -1;
    private ReadOnlyMemory<byte> _header;
    private volatile MediaInfo? _info;

    /// <summary>What the channel carries, as last read from its bytes; null before anything was.</summary>
    public MediaInfo? Info => _info;

    /// <summary>A new source starts at <paramref name="position"/>: what was learnt about the old one no longer holds.</summary>
    public void BeginSource(long position)
    {
        _scanner.Reset();
        _scanned = position;
    }

    /// <summary>Scans what the buffer published since the last call (whole packets of a transport stream); true when it found a keyframe.</summary>
    public bool Scan(FanOutBuffer buffer)
    {
        var found = false;
        if (!buffer.IsTransportStream)
        {
            return found;
        }

        while (true)
        {
            var data = buffer.PublishedAt(_scanned);
            if (data.Length < TsPacket.Size)
            {
                return found;
            }

            for (var offset = 0; offset + TsPacket.Size <= data.Length; offset += TsPacket.Size)
            {
                var events = _scanner.ScanPacket(data.Slice(offset, TsPacket.Size), _scanned + offset);
                if ((events & ScanEvents.Keyframe) != 0)
                {
                    Add(new RandomAccessPoint(_scanner.KeyframePosition, _scanner.KeyframePts, CurrentHeader()));
                    found = true;
                }

                if ((events & ScanEvents.InfoChanged) != 0)
                {
                    _info = _scanner.BuildInfo() ?? _info;
                }
            }

            _scanned += data.Length - (data.Length % TsPacket.Size);
        }
    }

    /// <summary>The latest point, if any was found.</summary>
    public bool TryGetLatest(out RandomAccessPoint point)
    {
        lock (_gate)
        {
            point = _count > 0 ? _points[(_count - 1) % Capacity] : default;
            return _count > 0;
        }
    }

    /// <summary>Copies the points after <paramref name="position"/>, oldest first, into <paramref name="destination"/>; returns how many.</summary>
    public int CopyAfter(long position, Span<RandomAccessPoint> destination)
    {
        lock (_gate)
        {
            var copied = 0;
            for (var i = Math.Max(0, _count - Capacity); i < _count && copied < destination.Length; i++)
            {
                var point = _points[i % Capacity];
                if (point.Position > position)
                {
                    destination[copied++] = point;
                }
            }

            return copied;
        }
    }

    private void Add(RandomAccessPoint point)
    {
        lock (_gate)
        {
            _points[_count % Capacity] = point;
            _count++;
        }
    }

    // The PAT and PMT sent before a keyframe: copied once per version, then shared by every point and joiner.
    private ReadOnlyMemory<byte> CurrentHeader()
    {
        if (_headerVersion != _scanner.ProgramVersion)
        {
            _header = (byte[])[.. _scanner.Pat, .. _scanner.Pmt];
            _headerVersion = _scanner.ProgramVersion;
        }

        return _header;
    }
}
