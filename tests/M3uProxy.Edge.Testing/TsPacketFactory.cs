using System.Buffers.Binary;

namespace M3uProxy.Edge.Testing;

/// <summary>
/// Deterministic synthetic MPEG-TS, no ffmpeg needed: a PAT and a PMT every <see cref="PsiInterval"/>
/// packets, the rest on <see cref="ElementaryPid"/> with correct continuity counters. Every packet
/// carries its index in adaptation-field private data at <see cref="IndexOffset"/>, so a reader can
/// tell exactly which packets it got and spot gaps, duplicates and misalignment.
/// </summary>
public static class TsPacketFactory
{
    public const int PacketSize = 188;
    public const byte SyncByte = 0x47;
    public const int PatPid = 0x0000;
    public const int PmtPid = 0x1000;
    public const int ElementaryPid = 0x0100;

    /// <summary>Packet <c>i</c> is a PAT when <c>i % PsiInterval == 0</c> and a PMT one packet later.</summary>
    public const int PsiInterval = 50;

    /// <summary>Where the big-endian packet index sits (inside the adaptation field's private data).</summary>
    public const int IndexOffset = 7;

    // Header (4) + adaptation_field_length (1) + flags (1) + private_data_length (1) + index (4).
    private const int PayloadOffset = IndexOffset + 4;
    private const byte AdaptationFieldLength = 6;
    private const byte TransportPrivateDataFlag = 0x02;

    public static byte[] Create(int packetCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(packetCount);
        var data = new byte[packetCount * PacketSize];
        var patSection = BuildPat();
        var pmtSection = BuildPmt();
        int patCounter = 0, pmtCounter = 0, esCounter = 0;
        for (var i = 0; i < packetCount; i++)
        {
            var packet = data.AsSpan(i * PacketSize, PacketSize);
            switch (i % PsiInterval)
            {
                case 0:
                    WritePsi(packet, PatPid, patCounter++ & 0x0F, patSection, i);
                    break;
                case 1:
                    WritePsi(packet, PmtPid, pmtCounter++ & 0x0F, pmtSection, i);
                    break;
                default:
                    WriteElementary(packet, esCounter++ & 0x0F, startsUnit: i % PsiInterval == 2, i);
                    break;
            }
        }

        return data;
    }

    /// <summary>True when the data is whole packets and each starts with the sync byte.</summary>
    public static bool IsAligned(ReadOnlySpan<byte> data)
    {
        if (data.Length % PacketSize != 0)
        {
            return false;
        }

        for (var i = 0; i < data.Length; i += PacketSize)
        {
            if (data[i] != SyncByte)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The index <see cref="Create"/> stamped into this packet.</summary>
    /// <exception cref="ArgumentException">The packet was not made by <see cref="Create"/>.</exception>
    public static int PacketIndexAt(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < PacketSize || packet[0] != SyncByte
            || (packet[3] & 0x20) == 0 || packet[4] != AdaptationFieldLength
            || (packet[5] & 0x7F) != TransportPrivateDataFlag || packet[6] != 4) // a splice may set discontinuity_indicator (0x80)
        {
            throw new ArgumentException("Not a TsPacketFactory packet.", nameof(packet));
        }

        return BinaryPrimitives.ReadInt32BigEndian(packet[IndexOffset..]);
    }

    /// <summary>The 13-bit PID of a packet.</summary>
    public static int PidOf(ReadOnlySpan<byte> packet) => ((packet[1] & 0x1F) << 8) | packet[2];

    /// <summary>The 4-bit continuity counter of a packet.</summary>
    public static int ContinuityCounterOf(ReadOnlySpan<byte> packet) => packet[3] & 0x0F;

    private static void WritePsi(Span<byte> packet, int pid, int counter, ReadOnlySpan<byte> section, int index)
    {
        var payload = WriteHeader(packet, pid, counter, startsUnit: true, index);
        payload.Fill(0xFF); // section stuffing
        payload[0] = 0; // pointer_field: the section starts right away
        section.CopyTo(payload[1..]);
    }

    private static void WriteElementary(Span<byte> packet, int counter, bool startsUnit, int index)
    {
        var payload = WriteHeader(packet, ElementaryPid, counter, startsUnit, index);
        for (var i = 0; i < payload.Length; i++)
        {
            payload[i] = (byte)(index + i);
        }

        if (startsUnit)
        {
            // A PES header for private_stream_1 with unbounded length, so demuxers see a unit start.
            ReadOnlySpan<byte> pesHeader = [0x00, 0x00, 0x01, 0xBD, 0x00, 0x00, 0x80, 0x00, 0x00];
            pesHeader.CopyTo(payload);
        }
    }

    private static Span<byte> WriteHeader(Span<byte> packet, int pid, int counter, bool startsUnit, int index)
    {
        packet[0] = SyncByte;
        packet[1] = (byte)((startsUnit ? 0x40 : 0x00) | (pid >> 8));
        packet[2] = (byte)pid;
        packet[3] = (byte)(0x30 | counter); // adaptation field and payload
        packet[4] = AdaptationFieldLength;
        packet[5] = TransportPrivateDataFlag;
        packet[6] = 4;
        BinaryPrimitives.WriteInt32BigEndian(packet[IndexOffset..], index);
        return packet[PayloadOffset..];
    }

    private static byte[] BuildPat()
    {
        byte[] section =
        [
            0x00, 0xB0, 13, // table_id, section_syntax_indicator, section_length
            0x00, 0x01, 0xC1, 0x00, 0x00, // transport_stream_id 1, version 0, current, section 0 of 0
            0x00, 0x01, (byte)(0xE0 | (PmtPid >> 8)), PmtPid & 0xFF, // program 1 -> PMT PID
            0, 0, 0, 0, // CRC
        ];
        return WithCrc(section);
    }

    private static byte[] BuildPmt()
    {
        byte[] section =
        [
            0x02, 0xB0, 18, // table_id, section_syntax_indicator, section_length
            0x00, 0x01, 0xC1, 0x00, 0x00, // program 1, version 0, current, section 0 of 0
            0xFF, 0xFF, // no PCR PID (0x1FFF)
            0xF0, 0x00, // program_info_length 0
            0x06, (byte)(0xE0 | (ElementaryPid >> 8)), ElementaryPid & 0xFF, 0xF0, 0x00, // private PES
            0, 0, 0, 0, // CRC
        ];
        return WithCrc(section);
    }

    private static byte[] WithCrc(byte[] section)
    {
        var body = section.AsSpan(0, section.Length - 4);
        BinaryPrimitives.WriteUInt32BigEndian(section.AsSpan(section.Length - 4), Crc32Mpeg2(body));
        return section;
    }

    private static uint Crc32Mpeg2(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= (uint)b << 24;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 0x80000000u) != 0 ? (crc << 1) ^ 0x04C11DB7u : crc << 1;
            }
        }

        return crc;
    }
}
