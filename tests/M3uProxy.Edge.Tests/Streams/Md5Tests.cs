using System.Security.Cryptography;
using System.Text;
using M3uProxy.Edge.Streams;

namespace M3uProxy.Edge.Tests.Streams;

/// <summary>The managed MD5 of stream and client ids (so that ids do not load OpenSSL) against RFC 1321 and the platform's.</summary>
public sealed class Md5Tests
{
    [Theory]
    [InlineData("", "d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("a", "0cc175b9c0f1b6a831c399e269772661")]
    [InlineData("abc", "900150983cd24fb0d6963f7d28e17f72")]
    [InlineData("message digest", "f96b697d7cb7938d525a2f31aaf161d0")]
    [InlineData("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b")]
    [InlineData("12345678901234567890123456789012345678901234567890123456789012345678901234567890", "57edf4a22be3c955ac49da2e2107b67a")]
    public void RfcTestSuite(string text, string expected)
    {
        Span<byte> hash = stackalloc byte[Md5.HashSizeInBytes];
        Md5.HashData(Encoding.ASCII.GetBytes(text), hash);
        Assert.Equal(expected, Convert.ToHexStringLower(hash));
    }

    [Fact]
    public void EveryLengthAroundTheBlockBoundaries_MatchesThePlatformsMd5()
    {
        var random = new Random(1321);
        Span<byte> hash = stackalloc byte[Md5.HashSizeInBytes];
        for (var length = 0; length <= 300; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);
            Md5.HashData(data, hash);
#pragma warning disable CA5351 // the reference implementation the managed one is checked against
            Assert.Equal(MD5.HashData(data), hash.ToArray());
#pragma warning restore CA5351
        }
    }
}
