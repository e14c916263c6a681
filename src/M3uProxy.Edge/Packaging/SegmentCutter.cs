using M3uProxy.Edge.FanOut;

namespace M3uProxy.Edge.Packaging;

/// <summary>
/// Cuts a channel's bytes into segments at its keyframes: the bytes a reader copies are appended,
/// and whenever a keyframe at least <see cref="MinimumDuration"/> after the current segment's
/// start has arrived, the segment is closed there (PAT + PMT + keyframe … up to that keyframe).
/// Bounded: the pending bytes never exceed <see cref="MaxSegmentBytes"/> (a stream without
/// keyframes is dropped until one comes, not buffered forever). One thread; not thread-safe.
/// </summary>
internal sealed class SegmentCutter
{
    /// <summary>The shortest segment (in 90 kHz ticks): with short GOPs several are joined up to about this.</summary>
    public const long MinimumDuration = 2 * Clock;

    public const int MaxSegmentBytes = 32 * 1024 * 1024;

    private const long Clock = 90_000;
    private const long PtsMask = (1L << 33) - 1;

    // A gap longer than this between two keyframes is a new source (failover), not a long GOP.
    private const long MaximumDuration = 30 * Clock;

    private readonly RandomAccessPoint[] _points = new RandomAccessPoint[16];
    private byte[] _pending = new byte[1024 * 1024];
    private int _length;
    private long _pendingStart;
    private long _consideredUpTo;
    private RandomAccessPoint? _segmentStart;
    private bool _discontinuity;

    /// <param name="position">Where the reader starts: the first segment starts at the first keyframe from there.</param>
    public SegmentCutter(long position)
    {
        _pendingStart = position;
        _consideredUpTo = position - 1;
    }

    /// <summary>Bytes the reader copied at its current position (they follow the previous ones).</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        if (_length + data.Length > _pending.Length)
        {
            if (_length + data.Length > MaxSegmentBytes)
            {
                // No usable keyframe for far too long: drop what is pending and wait for the next one.
                Restart(_pendingStart + _length + data.Length);
                return;
            }

            Array.Resize(ref _pending, Math.Min(MaxSegmentBytes, Math.Max(_pending.Length * 2, _length + data.Length)));
        }

        data.CopyTo(_pending.AsSpan(_length));
        _length += data.Length;
    }

    /// <summary>The reader jumped (it lagged, or its copy was torn): the bytes so far do not continue.</summary>
    public void Restart(long position)
    {
        _length = 0;
        _pendingStart = position;
        _consideredUpTo = position - 1;
        _segmentStart = null;
        _discontinuity = true;
    }

    /// <summary>Closes the segments the channel's keyframes allow; <paramref name="emit"/> gets each (duration, discontinuity, data).</summary>
    public void Cut(RandomAccessIndex index, Action<double, bool, byte[]> emit)
    {
        var end = _pendingStart + _length;
        int count;
        while ((count = index.CopyAfter(_consideredUpTo, _points)) > 0)
        {
            for (var i = 0; i < count; i++)
            {
                var point = _points[i];
                if (point.Position >= end)
                {
                    return; // its bytes have not been read yet
                }

                _consideredUpTo = point.Position;
                if (point.Position < _pendingStart)
                {
                    continue;
                }

                if (_segmentStart is not { } start)
                {
                    Discard(point.Position - _pendingStart);
                    _segmentStart = point;
                    continue;
                }

                var ticks = (point.Pts - start.Pts) & PtsMask;
                if (ticks < MinimumDuration && point.Pts >= 0 && start.Pts >= 0)
                {
                    continue;
                }

                var newSource = ticks > MaximumDuration || start.Pts < 0 || point.Pts < 0;
                var duration = newSource ? MinimumDuration / (double)Clock : ticks / (double)Clock;
                emit(duration, _discontinuity, Segment(start.ProgramHeader.Span, (int)(point.Position - _pendingStart)));
                _discontinuity = newSource;
                Discard(point.Position - _pendingStart);
                _segmentStart = point;
            }
        }
    }

    private byte[] Segment(ReadOnlySpan<byte> header, int length)
    {
        var data = new byte[header.Length + length];
        header.CopyTo(data);
        _pending.AsSpan(0, length).CopyTo(data.AsSpan(header.Length));
        return data;
    }

    private void Discard(long count)
    {
        var keep = _length - (int)count;
        _pending.AsSpan((int)count, keep).CopyTo(_pending);
        _length = keep;
        _pendingStart += count;
    }
}
