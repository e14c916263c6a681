namespace M3uProxy.Edge.Media.MpegTs;

/// <summary>MPEG-TS packet facts (ISO/IEC 13818-1 §2.4.3) used to keep fan-out joins and skips aligned.</summary>
public static class TsPacket
{
    public const int Size = 188;
    public const byte SyncByte = 0x47;

    /// <summary>How many sync bytes in a row, 188 bytes apart, make a position trustworthy.</summary>
    public const int ConfirmingSyncs = 3;

    /// <summary>
    /// Finds the first offset at which <paramref name="data"/> is packet-aligned: a sync byte
    /// followed by sync bytes every 188 bytes for as far as the data (up to
    /// <see cref="ConfirmingSyncs"/> packets) goes. Returns -1 when no such offset exists.
    /// </summary>
    public static int FindAlignment(ReadOnlySpan<byte> data)
    {
        var offset = 0;
        while (offset < data.Length)
        {
            var next = data[offset..].IndexOf(SyncByte);
            if (next < 0)
            {
                return -1;
            }

            offset += next;
            if (IsConfirmed(data, offset))
            {
                return offset;
            }

            offset++;
        }

        return -1;
    }

    /// <summary>True when the packet at <paramref name="offset"/> starts a Program Association Table (PID 0, payload unit start).</summary>
    public static bool IsPatStart(ReadOnlySpan<byte> data, int offset)
    {
        if (offset < 0 || offset + 4 > data.Length || data[offset] != SyncByte)
        {
            return false;
        }

        var payloadUnitStart = (data[offset + 1] & 0x40) != 0;
        var pid = ((data[offset + 1] & 0x1F) << 8) | data[offset + 2];
        return payloadUnitStart && pid == 0;
    }

    /// <summary>True when the packet at <paramref name="offset"/> starts a PES packet or a section (payload_unit_start_indicator).</summary>
    public static bool IsPayloadUnitStart(ReadOnlySpan<byte> data, int offset)
        => offset >= 0 && offset + 2 <= data.Length && data[offset] == SyncByte && (data[offset + 1] & 0x40) != 0;

    /// <summary>
    /// Finds the first PAT-start packet at or after <paramref name="alignedOffset"/>, stepping a
    /// whole packet at a time. Returns -1 when none starts within the data.
    /// </summary>
    public static int FindPat(ReadOnlySpan<byte> data, int alignedOffset)
    {
        for (var offset = alignedOffset; offset + Size <= data.Length; offset += Size)
        {
            if (IsPatStart(data, offset))
            {
                return offset;
            }
        }

        return -1;
    }

    /// <summary>The packet identifier of a packet that starts at <paramref name="packet"/>[0].</summary>
    public static int Pid(ReadOnlySpan<byte> packet) => ((packet[1] & 0x1F) << 8) | packet[2];

    /// <summary>Where the payload of a whole packet starts, or -1 when it carries none (or a malformed adaptation field fills it).</summary>
    public static int PayloadOffset(ReadOnlySpan<byte> packet)
    {
        var control = (packet[3] >> 4) & 0x03;
        if ((control & 0x01) == 0)
        {
            return -1;
        }

        var offset = (control & 0x02) != 0 ? 5 + packet[4] : 4;
        return offset < Size ? offset : -1;
    }

    /// <summary>The adaptation field's random_access_indicator: the encoder marks where decoding can begin.</summary>
    public static bool IsRandomAccess(ReadOnlySpan<byte> packet)
        => (packet[3] & 0x20) != 0 && packet[4] > 0 && (packet[5] & 0x40) != 0;

    /// <summary>The program clock reference (27 MHz) when the adaptation field carries one.</summary>
    public static bool TryReadPcr(ReadOnlySpan<byte> packet, out long pcr)
    {
        pcr = 0;
        if ((packet[3] & 0x20) == 0 || packet[4] < 7 || (packet[5] & 0x10) == 0)
        {
            return false;
        }

        long based = ((long)packet[6] << 25) | ((long)packet[7] << 17) | ((long)packet[8] << 9) | ((long)packet[9] << 1) | ((long)packet[10] >> 7);
        var extension = ((packet[10] & 0x01) << 8) | packet[11];
        pcr = (based * 300) + extension;
        return true;
    }

    private static bool IsConfirmed(ReadOnlySpan<byte> data, int offset)
    {
        for (var i = 1; i < ConfirmingSyncs; i++)
        {
            var probe = offset + (i * Size);
            if (probe >= data.Length)
            {
                // Fewer bytes than the confirming packets: trust what can be checked.
                return true;
            }

            if (data[probe] != SyncByte)
            {
                return false;
            }
        }

        return true;
    }
}
