namespace M3uProxy.Edge.Media.MpegTs;

/// <summary>
/// Reads bits and Exp-Golomb codes (H.264/HEVC §7.2) from an unescaped RBSP. Reading past the end
/// never throws: it yields zeros and sets <see cref="Failed"/>, so garbage stays harmless.
/// </summary>
internal ref struct BitReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _bit;

    public BitReader(ReadOnlySpan<byte> data) => _data = data;

    public bool Failed { get; private set; }

    public uint Read(int bits)
    {
        uint value = 0;
        for (var i = 0; i < bits; i++)
        {
            if (_bit >= _data.Length * 8)
            {
                Failed = true;
                return 0;
            }

            value = (value << 1) | (uint)((_data[_bit >> 3] >> (7 - (_bit & 7))) & 1);
            _bit++;
        }

        return value;
    }

    public bool ReadFlag() => Read(1) != 0;

    public void Skip(int bits)
    {
        _bit += bits;
        if (_bit > _data.Length * 8)
        {
            Failed = true;
        }
    }

    /// <summary>ue(v): unsigned Exp-Golomb.</summary>
    public uint ReadUe()
    {
        var zeros = 0;
        while (Read(1) == 0)
        {
            if (Failed || ++zeros > 31)
            {
                Failed = true;
                return 0;
            }
        }

        return zeros == 0 ? 0 : ((1u << zeros) - 1) + Read(zeros);
    }

    /// <summary>se(v): signed Exp-Golomb.</summary>
    public int ReadSe()
    {
        var code = ReadUe();
        return (code & 1) != 0 ? (int)((code + 1) / 2) : -(int)(code / 2);
    }

    /// <summary>Copies a NAL unit's payload without its emulation-prevention bytes (00 00 03 → 00 00); returns the length.</summary>
    public static int Unescape(ReadOnlySpan<byte> nal, Span<byte> rbsp)
    {
        var length = 0;
        var zeros = 0;
        foreach (var b in nal)
        {
            if (zeros >= 2 && b == 0x03)
            {
                zeros = 0;
                continue;
            }

            if (length == rbsp.Length)
            {
                break;
            }

            rbsp[length++] = b;
            zeros = b == 0 ? zeros + 1 : 0;
        }

        return length;
    }
}
