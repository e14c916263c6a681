namespace M3uProxy.Edge.Media.MpegTs;

/// <summary>
/// PAT and PMT (ISO/IEC 13818-1 §2.4.4) read from a single packet: the section must start in it,
/// fit in it and pass its CRC. Multi-packet sections are not followed (rare for one program).
/// </summary>
internal static class ProgramTables
{
    private const byte PatTableId = 0x00;
    private const byte PmtTableId = 0x02;

    /// <summary>The PMT PID of the first program the PAT lists, or -1.</summary>
    public static int ReadPmtPid(ReadOnlySpan<byte> packet)
    {
        if (!TryGetSection(packet, PatTableId, out var section))
        {
            return -1;
        }

        for (var offset = 8; offset + 4 <= section.Length - 4; offset += 4)
        {
            var program = (section[offset] << 8) | section[offset + 1];
            if (program != 0)
            {
                return ((section[offset + 2] & 0x1F) << 8) | section[offset + 3];
            }
        }

        return -1;
    }

    /// <summary>The PCR PID and the first video and audio streams of a PMT; false when the packet holds no valid PMT.</summary>
    public static bool TryReadPmt(ReadOnlySpan<byte> packet, out ProgramStreams streams)
    {
        streams = new ProgramStreams(-1, -1, StreamCodec.None, -1, StreamCodec.None);
        if (!TryGetSection(packet, PmtTableId, out var section) || section.Length < 16)
        {
            return false;
        }

        var pcrPid = ((section[8] & 0x1F) << 8) | section[9];
        var offset = 12 + (((section[10] & 0x0F) << 8) | section[11]);
        int videoPid = -1, audioPid = -1;
        StreamCodec video = StreamCodec.None, audio = StreamCodec.None;
        var end = section.Length - 4;
        while (offset + 5 <= end)
        {
            var type = section[offset];
            var pid = ((section[offset + 1] & 0x1F) << 8) | section[offset + 2];
            var infoLength = ((section[offset + 3] & 0x0F) << 8) | section[offset + 4];
            var descriptors = section.Slice(offset + 5, Math.Min(infoLength, end - offset - 5));
            var codec = CodecOf(type, descriptors);
            if (IsVideo(codec) && video == StreamCodec.None)
            {
                (videoPid, video) = (pid, codec);
            }
            else if (!IsVideo(codec) && codec != StreamCodec.None && audio == StreamCodec.None)
            {
                (audioPid, audio) = (pid, codec);
            }

            offset += 5 + infoLength;
        }

        streams = new ProgramStreams(pcrPid, videoPid, video, audioPid, audio);
        return true;
    }

    private static bool IsVideo(StreamCodec codec) => codec is StreamCodec.H264 or StreamCodec.Hevc or StreamCodec.Mpeg2Video;

    private static StreamCodec CodecOf(byte streamType, ReadOnlySpan<byte> descriptors) => streamType switch
    {
        0x01 or 0x02 => StreamCodec.Mpeg2Video,
        0x1B => StreamCodec.H264,
        0x24 => StreamCodec.Hevc,
        0x03 or 0x04 => StreamCodec.MpegAudio,
        0x0F => StreamCodec.Aac,
        0x11 => StreamCodec.AacLatm,
        0x81 => StreamCodec.Ac3,
        0x87 => StreamCodec.Eac3,
        0x06 => PrivateCodec(descriptors),
        _ => StreamCodec.None,
    };

    // DVB carries AC-3 / E-AC-3 / AAC as private data with a descriptor naming them (EN 300 468 annex D).
    private static StreamCodec PrivateCodec(ReadOnlySpan<byte> descriptors)
    {
        var offset = 0;
        while (offset + 2 <= descriptors.Length)
        {
            var tag = descriptors[offset];
            var length = descriptors[offset + 1];
            var body = descriptors.Slice(offset + 2, Math.Min(length, descriptors.Length - offset - 2));
            switch (tag)
            {
                case 0x6A:
                    return StreamCodec.Ac3;
                case 0x7A:
                    return StreamCodec.Eac3;
                case 0x7C:
                    return StreamCodec.Aac;
                case 0x05 when body.SequenceEqual("AC-3"u8):
                    return StreamCodec.Ac3;
                case 0x05 when body.SequenceEqual("EAC3"u8):
                    return StreamCodec.Eac3;
            }

            offset += 2 + length;
        }

        return StreamCodec.None;
    }

    private static bool TryGetSection(ReadOnlySpan<byte> packet, byte tableId, out ReadOnlySpan<byte> section)
    {
        section = default;
        if ((packet[1] & 0x40) == 0)
        {
            return false;
        }

        var payload = TsPacket.PayloadOffset(packet);
        if (payload < 0)
        {
            return false;
        }

        var start = payload + 1 + packet[payload];
        if (start + 3 > TsPacket.Size || packet[start] != tableId)
        {
            return false;
        }

        var length = ((packet[start + 1] & 0x0F) << 8) | packet[start + 2];
        if (length < 9 || start + 3 + length > TsPacket.Size)
        {
            return false;
        }

        section = packet.Slice(start, 3 + length);
        return Crc32Mpeg2.Compute(section) == 0;
    }
}

/// <summary>What a PMT says about its program: where the clock is, and its first video and audio streams.</summary>
internal readonly record struct ProgramStreams(int PcrPid, int VideoPid, StreamCodec Video, int AudioPid, StreamCodec Audio);
