namespace M3uProxy.Edge.Media.MpegTs;

/// <summary>
/// The first frame header of an audio PES payload: AAC ADTS (ISO/IEC 13818-7), AC-3 and E-AC-3
/// (ATSC A/52), MPEG-1/2 audio (ISO/IEC 11172-3). Garbage gives false, never an exception.
/// </summary>
internal static class AudioHeaders
{
    private static readonly int[] _aacRates = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];
    private static readonly string[] _aacProfiles = ["Main", "LC", "SSR", "LTP"];
    private static readonly int[] _ac3Rates = [48000, 44100, 32000];
    private static readonly int[] _eac3ReducedRates = [24000, 22050, 16000];
    private static readonly int[] _ac3Channels = [2, 1, 2, 3, 3, 4, 4, 5];
    private static readonly int[] _mpegRates = [44100, 48000, 32000];

    public static bool TryParse(StreamCodec codec, ReadOnlySpan<byte> frame, out AudioFormat format) => codec switch
    {
        StreamCodec.Aac => TryParseAdts(frame, out format),
        StreamCodec.Ac3 or StreamCodec.Eac3 => TryParseAc3(frame, out format),
        StreamCodec.MpegAudio => TryParseMpeg(frame, out format),
        StreamCodec.AacLatm => Known(new AudioFormat("aac_latm", null, 0, 0), out format),
        _ => Unknown(out format),
    };

    private static bool Known(AudioFormat value, out AudioFormat format)
    {
        format = value;
        return true;
    }

    private static bool Unknown(out AudioFormat format)
    {
        format = default;
        return false;
    }

    private static bool TryParseAdts(ReadOnlySpan<byte> frame, out AudioFormat format)
    {
        format = default;
        if (frame.Length < 7 || frame[0] != 0xFF || (frame[1] & 0xF6) != 0xF0)
        {
            return false;
        }

        var rate = (frame[2] >> 2) & 0x0F;
        var channels = ((frame[2] & 0x01) << 2) | (frame[3] >> 6);
        if (rate >= _aacRates.Length)
        {
            return false;
        }

        format = new AudioFormat("aac", _aacProfiles[frame[2] >> 6], channels == 7 ? 8 : channels, _aacRates[rate]);
        return true;
    }

    private static bool TryParseAc3(ReadOnlySpan<byte> frame, out AudioFormat format)
    {
        format = default;
        if (frame.Length < 8 || frame[0] != 0x0B || frame[1] != 0x77)
        {
            return false;
        }

        var bsid = frame[5] >> 3;
        if (bsid > 10)
        {
            // E-AC-3: strmtyp, substreamid, frmsiz (16 bits), then fscod, fscod2/numblkscod, acmod, lfeon.
            var fscod = frame[4] >> 6;
            var rate = fscod == 3 ? ReducedRate((frame[4] >> 4) & 0x03) : _ac3Rates[fscod];
            if (rate == 0)
            {
                return false;
            }

            format = new AudioFormat("eac3", null, _ac3Channels[(frame[4] >> 1) & 0x07] + (frame[4] & 0x01), rate);
            return true;
        }

        var code = frame[4] >> 6;
        if (code == 3)
        {
            return false;
        }

        var bits = new BitReader(frame[6..]);
        var mode = (int)bits.Read(3);
        if ((mode & 1) != 0 && mode != 1)
        {
            bits.Skip(2); // cmixlev
        }

        if ((mode & 4) != 0)
        {
            bits.Skip(2); // surmixlev
        }

        if (mode == 2)
        {
            bits.Skip(2); // dsurmod
        }

        var lfe = (int)bits.Read(1);
        format = new AudioFormat("ac3", null, _ac3Channels[mode] + lfe, _ac3Rates[code]);
        return !bits.Failed;
    }

    private static int ReducedRate(int code) => code < 3 ? _eac3ReducedRates[code] : 0;

    private static bool TryParseMpeg(ReadOnlySpan<byte> frame, out AudioFormat format)
    {
        format = default;
        if (frame.Length < 4 || frame[0] != 0xFF || (frame[1] & 0xE0) != 0xE0)
        {
            return false;
        }

        var version = (frame[1] >> 3) & 0x03; // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
        var layer = (frame[1] >> 1) & 0x03; // 3: I, 2: II, 1: III
        var rate = (frame[2] >> 2) & 0x03;
        if (version == 1 || layer == 0 || rate == 3)
        {
            return false;
        }

        var sampleRate = _mpegRates[rate] >> (version switch { 3 => 0, 2 => 1, _ => 2 });
        var codec = layer switch { 3 => "mp1", 2 => "mp2", _ => "mp3" };
        format = new AudioFormat(codec, null, (frame[3] >> 6) == 3 ? 1 : 2, sampleRate);
        return true;
    }
}
