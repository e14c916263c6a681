namespace M3uProxy.Edge.Media.MpegTs;

/// <summary>
/// Walks the start of one video access unit, byte by byte across packets, up to its first picture
/// data: is it a random access point (H.264 IDR or recovery-point SEI, HEVC IRAP, MPEG-2 sequence
/// header), and what is its sequence header (SPS), captured for the media info. No allocation.
/// </summary>
internal sealed class AccessUnitInspector
{
    private const int MaxSequenceHeaderBytes = 512;
    private const byte RecoveryPointSei = 6;

    private readonly byte[] _sequenceHeader = new byte[MaxSequenceHeaderBytes];
    private StreamCodec _codec;
    private int _length;
    private bool _capturing;
    private int _zeros;
    private bool _atUnitStart;
    private bool _atSeiType;

    /// <summary>Decoding can start at this access unit.</summary>
    public bool IsKeyframe { get; private set; }

    /// <summary>The first picture data was reached: nothing more to learn from this access unit.</summary>
    public bool Done { get; private set; }

    /// <summary>The access unit's sequence header NAL unit (with its NAL header), empty when it had none.</summary>
    public ReadOnlySpan<byte> SequenceHeader => _capturing ? default : _sequenceHeader.AsSpan(0, _length);

    public void Begin(StreamCodec codec, bool randomAccessIndicator)
    {
        _codec = codec;
        IsKeyframe = randomAccessIndicator;
        Done = false;
        _length = 0;
        _capturing = false;
        _zeros = 0;
        _atUnitStart = false;
        _atSeiType = false;
    }

    public void Feed(ReadOnlySpan<byte> data)
    {
        for (var i = 0; i < data.Length && !Done; i++)
        {
            var b = data[i];
            if (_atUnitStart)
            {
                _atUnitStart = false;
                OnUnitStart(b);
                if (_capturing)
                {
                    Append(b);
                }

                continue;
            }

            if (_atSeiType)
            {
                _atSeiType = false;
                IsKeyframe |= b == RecoveryPointSei;
            }

            if (_capturing)
            {
                Append(b);
            }

            if (b == 0)
            {
                _zeros++;
                continue;
            }

            if (b == 1 && _zeros >= 2)
            {
                if (_capturing)
                {
                    // The start code that ends the header was appended: drop it and the zeros before it.
                    _length = Math.Max(0, _length - (Math.Min(_zeros, 3) + 1));
                    _capturing = false;
                }

                _atUnitStart = true;
            }

            _zeros = 0;
        }
    }

    /// <summary>The access unit ended (or the scan bound was reached): a header still being captured is kept as far as it came.</summary>
    public void Finish() => _capturing = false;

    private void OnUnitStart(byte header)
    {
        switch (_codec)
        {
            case StreamCodec.H264:
                switch (header & 0x1F)
                {
                    case 5:
                        IsKeyframe = true;
                        Done = true;
                        break;
                    case 1:
                        Done = true;
                        break;
                    case 6:
                        _atSeiType = true;
                        break;
                    case 7:
                        StartCapture();
                        break;
                }

                break;
            case StreamCodec.Hevc:
                var type = (header >> 1) & 0x3F;
                if (type < 32)
                {
                    IsKeyframe |= type is >= 16 and <= 23;
                    Done = true;
                }
                else if (type == 33)
                {
                    StartCapture();
                }

                break;
            case StreamCodec.Mpeg2Video:
                if (header == 0xB3)
                {
                    IsKeyframe = true;
                    StartCapture();
                }
                else if (header == 0x00)
                {
                    Done = true; // picture_start_code
                }

                break;
            default:
                Done = true;
                break;
        }
    }

    // Only the first sequence header of an access unit is kept.
    private void StartCapture() => _capturing = _length == 0;

    private void Append(byte b)
    {
        if (_length < _sequenceHeader.Length)
        {
            _sequenceHeader[_length++] = b;
        }
        else
        {
            _capturing = false; // longer than any real SPS: keep the start, which holds what is parsed
        }
    }
}
