using System.Text;
using M3uProxy.Edge.Media.Hls;

namespace M3uProxy.Edge.Media.Tests.Hls;

public sealed class PercentEncodingTests
{
    [Theory]
    [InlineData("https://cdn.example.com/live/channel1/seg_1001.ts", "https%3A%2F%2Fcdn.example.com%2Flive%2Fchannel1%2Fseg_1001.ts")]
    [InlineData("a?b=c&d=e f+g~h", "a%3Fb%3Dc%26d%3De%20f%2Bg~h")]
    [InlineData("ü", "%C3%BC")]
    [InlineData("", "")]
    public void Encodes_everything_but_unreserved_characters_as_pythons_quote_with_no_safe_characters(string value, string expected)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        var destination = new byte[PercentEncoding.MaxEncodedLength(bytes.Length)];
        var length = PercentEncoding.Encode(bytes, destination);
        Assert.Equal(expected, Encoding.ASCII.GetString(destination, 0, length));
    }
}
