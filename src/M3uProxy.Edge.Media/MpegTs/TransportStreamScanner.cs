namespace M3uProxy.Edge.Media.MpegTs;

/// <summary>
/// Follows a transport stream packet by packet, as the bytes are committed, and keeps what a
/// fast channel start and the media info need: the latest random access point (a video keyframe
/// after a known PAT and PMT) with copies of those two packets, the video sequence header, the
/// audio frame header, the frame rate and the multiplex bitrate.
/// <para>Bounded and allocation-free per packet: most packets cost a PID lookup; a PAT or PMT
/// is compared with its copy and parsed only when it changed; a video access unit is walked only
/// up to its first picture data (at most <see cref="MaxInspectedPackets"/> packets); an audio PES
/// costs one header. Garbage never throws. One writer thread; not thread-safe.</para>
/// </summary>
public sealed class TransportStreamScanner
{
    /// <summary>How many packets of one video access unit are walked looking for its first picture data.</summary>
    public const int MaxInspectedPackets = 32;

    private const long Clock90k = 90_000;
    private const long Clock27M = 27_000_000;

    private readonly byte[] _pat = new byte[TsPacket.Size];
    private readonly byte[] _pmt = new byte[TsPacket.Size];
    private readonly byte[] _parsedHeader = new byte[512];
    private readonly byte[] _rbsp = new byte[512];
    private readonly AccessUnitInspector _inspector = new();
    private int _parsedHeaderLength;
    private int _pmtPid;
    private ProgramStreams _program;
    private bool _hasPat;
    private bool _hasPmt;

    private bool _inspecting;
    private int _inspectedPackets;
    private long _unitPosition;
    private long _unitPts;

    private long _fpsFirstDts;
    private int _fpsFrames;
    private long _pcrFirst;
    private long _pcrFirstPosition;

    private VideoFormat? _video;
    private double? _measuredFps;
    private AudioFormat? _audio;
    private int? _bitrateKbps;

    public TransportStreamScanner() => Reset();

    /// <summary>Where the latest keyframe's PES starts (absolute stream position), or -1.</summary>
    public long KeyframePosition { get; private set; }

    /// <summary>The latest keyframe's presentation time (90 kHz), or -1.</summary>
    public long KeyframePts { get; private set; }

    /// <summary>Changes whenever <see cref="Pat"/> or <see cref="Pmt"/> do.</summary>
    public int ProgramVersion { get; private set; }

    /// <summary>The last PAT packet seen (valid once a keyframe was reported).</summary>
    public ReadOnlySpan<byte> Pat => _pat;

    /// <summary>The last PMT packet of the first program.</summary>
    public ReadOnlySpan<byte> Pmt => _pmt;

    /// <summary>Forgets everything: the next bytes come from another source (a reconnect or a failover).</summary>
    public void Reset()
    {
        _pmtPid = -1;
        _program = new ProgramStreams(-1, -1, StreamCodec.None, -1, StreamCodec.None);
        _hasPat = false;
        _hasPmt = false;
        _inspecting = false;
        _parsedHeaderLength = 0;
        KeyframePosition = -1;
        KeyframePts = -1;
        ProgramVersion++;
        _fpsFirstDts = -1;
        _fpsFrames = 0;
        _pcrFirst = -1;
        _video = null;
        _measuredFps = null;
        _audio = null;
        _bitrateKbps = null;
    }

    /// <summary>Scans one whole packet that starts at absolute stream <paramref name="position"/>.</summary>
    public ScanEvents ScanPacket(ReadOnlySpan<byte> packet, long position)
    {
        if (packet.Length < TsPacket.Size || packet[0] != TsPacket.SyncByte || (packet[1] & 0x80) != 0)
        {
            return ScanEvents.None; // not a packet, or flagged corrupt by the transport
        }

        var events = ScanEvents.None;
        var pid = TsPacket.Pid(packet);
        if (pid == 0)
        {
            ScanPat(packet, ref events);
            return events;
        }

        if (pid == _pmtPid)
        {
            ScanPmt(packet, ref events);
        }

        if (!_hasPmt)
        {
            return events;
        }

        if (pid == _program.PcrPid)
        {
            MeasureBitrate(packet, position, ref events);
        }

        if (pid == _program.VideoPid)
        {
            ScanVideo(packet, position, ref events);
        }
        else if (pid == _program.AudioPid)
        {
            ScanAudio(packet, ref events);
        }

        return events;
    }

    /// <summary>A snapshot of what is known (allocates: call when <see cref="ScanEvents.InfoChanged"/> says so), or null when nothing is.</summary>
    public MediaInfo? BuildInfo()
    {
        if (_video is null && _audio is null && _program.Video == StreamCodec.None && _program.Audio == StreamCodec.None)
        {
            return null;
        }

        // Before its first header a stream is known by its PMT type alone.
        var video = _video ?? (_program.Video != StreamCodec.None ? new VideoFormat(CodecName(_program.Video), null, null, 0, 0, null) : null);
        var audio = _audio ?? (_program.Audio != StreamCodec.None ? new AudioFormat(CodecName(_program.Audio), null, 0, 0) : null);
        return new MediaInfo
        {
            Video = video,
            Fps = _video?.Fps ?? _measuredFps,
            Audio = audio,
            BitrateKbps = _bitrateKbps,
        };
    }

    private static string CodecName(StreamCodec codec) => codec switch
    {
        StreamCodec.H264 => "h264",
        StreamCodec.Hevc => "hevc",
        StreamCodec.Mpeg2Video => "mpeg2video",
        StreamCodec.Aac => "aac",
        StreamCodec.AacLatm => "aac_latm",
        StreamCodec.Ac3 => "ac3",
        StreamCodec.Eac3 => "eac3",
        StreamCodec.MpegAudio => "mp2",
        _ => "unknown",
    };

    private void ScanPat(ReadOnlySpan<byte> packet, ref ScanEvents events)
    {
        if (_hasPat && SameContent(packet, _pat))
        {
            return;
        }

        var pmtPid = ProgramTables.ReadPmtPid(packet);
        if (pmtPid < 0)
        {
            return;
        }

        packet[..TsPacket.Size].CopyTo(_pat);
        _hasPat = true;
        if (pmtPid != _pmtPid)
        {
            _pmtPid = pmtPid;
            _hasPmt = false;
        }

        ProgramVersion++;
        events |= ScanEvents.ProgramChanged;
    }

    private void ScanPmt(ReadOnlySpan<byte> packet, ref ScanEvents events)
    {
        if (_hasPmt && SameContent(packet, _pmt))
        {
            return;
        }

        if (!ProgramTables.TryReadPmt(packet, out var streams))
        {
            return;
        }

        packet[..TsPacket.Size].CopyTo(_pmt);
        if (streams.Video != _program.Video || streams.VideoPid != _program.VideoPid)
        {
            _video = null;
            _parsedHeaderLength = 0;
            _inspecting = false;
            _fpsFirstDts = -1;
            _measuredFps = null;
        }

        if (streams.Audio != _program.Audio || streams.AudioPid != _program.AudioPid)
        {
            _audio = null;
        }

        _program = streams;
        _hasPmt = true;
        ProgramVersion++;
        events |= ScanEvents.ProgramChanged | ScanEvents.InfoChanged;
    }

    private void ScanVideo(ReadOnlySpan<byte> packet, long position, ref ScanEvents events)
    {
        var payload = TsPacket.PayloadOffset(packet);
        if ((packet[1] & 0x40) != 0)
        {
            if (_inspecting)
            {
                FinishUnit(ref events);
            }

            if (payload < 0 || !TryReadPesHeader(packet[payload..], out var headerLength, out var pts, out var dts))
            {
                return;
            }

            CountFrame(dts, ref events);
            _inspecting = true;
            _inspectedPackets = 1;
            _unitPosition = position;
            _unitPts = pts;
            _inspector.Begin(_program.Video, TsPacket.IsRandomAccess(packet));
            _inspector.Feed(packet[(payload + headerLength)..]);
        }
        else if (_inspecting)
        {
            if (payload >= 0)
            {
                _inspector.Feed(packet[payload..]);
            }

            _inspectedPackets++;
        }

        if (_inspecting && (_inspector.Done || _inspectedPackets >= MaxInspectedPackets))
        {
            FinishUnit(ref events);
        }
    }

    private void FinishUnit(ref ScanEvents events)
    {
        _inspecting = false;
        _inspector.Finish();
        var header = _inspector.SequenceHeader;
        if (header.Length > 0 && !header.SequenceEqual(_parsedHeader.AsSpan(0, _parsedHeaderLength)))
        {
            header.CopyTo(_parsedHeader);
            _parsedHeaderLength = header.Length;
            if (TryParseSequenceHeader(header, out var format) && format != _video)
            {
                _video = format;
                events |= ScanEvents.InfoChanged;
            }
        }

        if (_inspector.IsKeyframe && _hasPat)
        {
            KeyframePosition = _unitPosition;
            KeyframePts = _unitPts;
            events |= ScanEvents.Keyframe;
        }
    }

    private bool TryParseSequenceHeader(ReadOnlySpan<byte> header, out VideoFormat format)
    {
        format = default;
        switch (_program.Video)
        {
            case StreamCodec.H264 when header.Length > 1:
                return H264Sps.TryParse(_rbsp.AsSpan(0, BitReader.Unescape(header[1..], _rbsp)), out format);
            case StreamCodec.Hevc when header.Length > 2:
                return HevcSps.TryParse(_rbsp.AsSpan(0, BitReader.Unescape(header[2..], _rbsp)), out format);
            case StreamCodec.Mpeg2Video when header.Length > 1:
                return Mpeg2SequenceHeader.TryParse(header[1..], out format);
            default:
                return false;
        }
    }

    // Frames per second from decoding timestamps over windows of 50 frames (what the PES says, whatever the codec).
    private void CountFrame(long dts, ref ScanEvents events)
    {
        if (dts < 0)
        {
            return;
        }

        var elapsed = dts - _fpsFirstDts;
        if (_fpsFirstDts < 0 || elapsed <= 0 || elapsed > 20 * Clock90k)
        {
            _fpsFirstDts = dts;
            _fpsFrames = 0;
            return;
        }

        if (++_fpsFrames < 50)
        {
            return;
        }

        var fps = FrameRate.Round(_fpsFrames * (double)Clock90k / elapsed);
        _fpsFirstDts = dts;
        _fpsFrames = 0;
        if (_measuredFps is not { } known || Math.Abs(known - fps) > 0.01)
        {
            _measuredFps = fps;
            events |= _video?.Fps is null ? ScanEvents.InfoChanged : ScanEvents.None;
        }
    }

    // The multiplex rate: bytes between program clock references over at least two seconds of clock.
    private void MeasureBitrate(ReadOnlySpan<byte> packet, long position, ref ScanEvents events)
    {
        if (!TsPacket.TryReadPcr(packet, out var pcr))
        {
            return;
        }

        var elapsed = pcr - _pcrFirst;
        if (_pcrFirst < 0 || elapsed <= 0 || elapsed > 10 * Clock27M)
        {
            (_pcrFirst, _pcrFirstPosition) = (pcr, position);
            return;
        }

        if (elapsed < 2 * Clock27M)
        {
            return;
        }

        var kbps = (int)Math.Round((position - _pcrFirstPosition) * 8.0 * Clock27M / elapsed / 1000);
        (_pcrFirst, _pcrFirstPosition) = (pcr, position);
        if (_bitrateKbps is not { } known || Math.Abs(known - kbps) * 50 > known)
        {
            _bitrateKbps = kbps;
            events |= ScanEvents.InfoChanged;
        }
    }

    private void ScanAudio(ReadOnlySpan<byte> packet, ref ScanEvents events)
    {
        var payload = TsPacket.PayloadOffset(packet);
        if ((packet[1] & 0x40) == 0 || payload < 0 || !TryReadPesHeader(packet[payload..], out var headerLength, out _, out _))
        {
            return;
        }

        if (AudioHeaders.TryParse(_program.Audio, packet[(payload + headerLength)..], out var format) && format != _audio)
        {
            _audio = format;
            events |= ScanEvents.InfoChanged;
        }
    }

    /// <summary>A PES header (ISO/IEC 13818-1 §2.4.3.7): its length, PTS and DTS (-1 when absent).</summary>
    private static bool TryReadPesHeader(ReadOnlySpan<byte> pes, out int headerLength, out long pts, out long dts)
    {
        headerLength = 0;
        pts = dts = -1;
        if (pes.Length < 9 || pes[0] != 0 || pes[1] != 0 || pes[2] != 1)
        {
            return false;
        }

        var flags = pes[7];
        var length = pes[8];
        if (9 + length > pes.Length)
        {
            return false;
        }

        if ((flags & 0x80) != 0 && length >= 5)
        {
            pts = ReadTimestamp(pes[9..]);
            dts = (flags & 0x40) != 0 && length >= 10 ? ReadTimestamp(pes[14..]) : pts;
        }

        headerLength = 9 + length;
        return true;
    }

    private static long ReadTimestamp(ReadOnlySpan<byte> b)
        => ((long)((b[0] >> 1) & 0x07) << 30) | ((long)b[1] << 22) | ((long)(b[2] >> 1) << 15) | ((long)b[3] << 7) | ((long)b[4] >> 1);

    // Two repetitions of a table differ only in the continuity counter (byte 3, low nibble).
    private static bool SameContent(ReadOnlySpan<byte> packet, ReadOnlySpan<byte> copy)
        => packet[1] == copy[1] && packet[2] == copy[2] && (packet[3] & 0xF0) == (copy[3] & 0xF0)
           && packet[4..TsPacket.Size].SequenceEqual(copy[4..]);
}
