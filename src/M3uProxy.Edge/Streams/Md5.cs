using System.Buffers.Binary;
using System.Numerics;

namespace M3uProxy.Edge.Streams;

/// <summary>
/// MD5 (RFC 1321) of short texts, for the reference's stream and client ids only: it protects
/// nothing. In managed code because the platform's MD5 loads OpenSSL on Linux (libcrypto and libssl:
/// 3.6 MB resident from the first stream on), which a proxy of plain-HTTP TS streams otherwise never needs.
/// </summary>
internal static class Md5
{
    public const int HashSizeInBytes = 16;

    private static readonly uint[] _sines = MakeSines();

    private static readonly int[] _shifts =
    [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
        5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
        4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
        6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
    ];

    public static void HashData(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        uint a0 = 0x67452301, b0 = 0xefcdab89, c0 = 0x98badcfe, d0 = 0x10325476;
        Span<byte> tail = stackalloc byte[128];
        var whole = source.Length / 64 * 64;
        for (var offset = 0; offset < whole; offset += 64)
        {
            Block(source.Slice(offset, 64), ref a0, ref b0, ref c0, ref d0);
        }

        // The rest, a 1 bit, zeros, and the length in bits: one or two more blocks.
        var rest = source.Length - whole;
        source[whole..].CopyTo(tail);
        tail[rest] = 0x80;
        var blocks = rest + 9 <= 64 ? 1 : 2;
        tail[(rest + 1)..(blocks * 64)].Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(tail[((blocks * 64) - 8)..], (ulong)source.Length * 8);
        for (var block = 0; block < blocks; block++)
        {
            Block(tail.Slice(block * 64, 64), ref a0, ref b0, ref c0, ref d0);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(destination, a0);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], b0);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], c0);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], d0);
    }

    private static void Block(ReadOnlySpan<byte> block, ref uint a0, ref uint b0, ref uint c0, ref uint d0)
    {
        Span<uint> words = stackalloc uint[16];
        for (var i = 0; i < 16; i++)
        {
            words[i] = BinaryPrimitives.ReadUInt32LittleEndian(block[(i * 4)..]);
        }

        uint a = a0, b = b0, c = c0, d = d0;
        for (var i = 0; i < 64; i++)
        {
            uint f;
            int g;
            switch (i / 16)
            {
                case 0:
                    f = (b & c) | (~b & d);
                    g = i;
                    break;
                case 1:
                    f = (d & b) | (~d & c);
                    g = ((5 * i) + 1) % 16;
                    break;
                case 2:
                    f = b ^ c ^ d;
                    g = ((3 * i) + 5) % 16;
                    break;
                default:
                    f = c ^ (b | ~d);
                    g = 7 * i % 16;
                    break;
            }

            f += a + _sines[i] + words[g];
            a = d;
            d = c;
            c = b;
            b += BitOperations.RotateLeft(f, _shifts[i]);
        }

        a0 += a;
        b0 += b;
        c0 += c;
        d0 += d;
    }

    // floor(|sin(i + 1)| × 2^32), as RFC 1321 defines its table.
    private static uint[] MakeSines()
    {
        var sines = new uint[64];
        for (var i = 0; i < 64; i++)
        {
            sines[i] = (uint)(long)Math.Floor(Math.Abs(Math.Sin(i + 1)) * 4294967296.0);
        }

        return sines;
    }
}
