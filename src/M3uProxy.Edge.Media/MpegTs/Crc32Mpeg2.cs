namespace M3uProxy.Edge.Media.MpegTs;

/// <summary>CRC-32/MPEG-2 (polynomial 0x04C11DB7, no reflection) that closes every PSI section.</summary>
internal static class Crc32Mpeg2
{
    private static readonly uint[] _table = BuildTable();

    /// <summary>The CRC of <paramref name="data"/>; over a whole section including its CRC field it is 0.</summary>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc = (crc << 8) ^ _table[((crc >> 24) ^ b) & 0xFF];
        }

        return crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var crc = i << 24;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 0x80000000) != 0 ? (crc << 1) ^ 0x04C11DB7 : crc << 1;
            }

            table[i] = crc;
        }

        return table;
    }
}
