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
