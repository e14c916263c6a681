using System.Text;
using M3uProxy.Edge.Media.Hls;

namespace M3uProxy.Edge.Media.Tests.Hls;

/// <summary>RFC 3986 §5.4's own examples, normal and abnormal, against the base it gives.</summary>
public sealed class UriResolverTests
{
    private const string Base = "http://a/b/c/d;p?q";

    [Theory]
    [InlineData("g:h", "g:h")]
    [InlineData("g", "http://a/b/c/g")]
    [InlineData("./g", "http://a/b/c/g")]
    [InlineData("g/", "http://a/b/c/g/")]
    [InlineData("/g", "http://a/g")]
    [InlineData("//g", "http://g")]
    [InlineData("?y", "http://a/b/c/d;p?y")]
    [InlineData("g?y", "http://a/b/c/g?y")]
    [InlineData("#s", "http://a/b/c/d;p?q")]
    [InlineData("g#s", "http://a/b/c/g")]
    [InlineData("g?y#s", "http://a/b/c/g?y")]
    [InlineData(";x", "http://a/b/c/;x")]
    [InlineData("g;x", "http://a/b/c/g;x")]
    [InlineData("", "http://a/b/c/d;p?q")]
    [InlineData(".", "http://a/b/c/")]
    [InlineData("./", "http://a/b/c/")]
    [InlineData("..", "http://a/b/")]
    [InlineData("../", "http://a/b/")]
    [InlineData("../g", "http://a/b/g")]
    [InlineData("../..", "http://a/")]
    [InlineData("../../", "http://a/")]
    [InlineData("../../g", "http://a/g")]
    [InlineData("../../../g", "http://a/g")]
    [InlineData("../../../../g", "http://a/g")]
    [InlineData("/./g", "http://a/g")]
    [InlineData("/../g", "http://a/g")]
    [InlineData("g.", "http://a/b/c/g.")]
    [InlineData(".g", "http://a/b/c/.g")]
    [InlineData("g..", "http://a/b/c/g..")]
    [InlineData("..g", "http://a/b/c/..g")]
    [InlineData("./../g", "http://a/b/g")]
    [InlineData("./g/.", "http://a/b/c/g/")]
    [InlineData("g/./h", "http://a/b/c/g/h")]
    [InlineData("g/../h", "http://a/b/c/h")]
    [InlineData("g;x=1/./y", "http://a/b/c/g;x=1/y")]
    [InlineData("g;x=1/../y", "http://a/b/c/y")]
    [InlineData("g?y/./x", "http://a/b/c/g?y/./x")]
    [InlineData("g?y/../x", "http://a/b/c/g?y/../x")]
    [InlineData("g#s/./x", "http://a/b/c/g")]
    [InlineData("http:g", "http:g")]
    public void Resolves_as_rfc_3986_section_5_4_says(string reference, string expected)
        => Assert.Equal(expected, Resolve(Base, reference));

    [Fact]
    public void A_base_with_an_authority_and_no_path_merges_under_the_root()
        => Assert.Equal("http://a/g", Resolve("http://a", "g"));

    [Fact]
    public void A_relative_base_cannot_resolve()
        => Assert.Equal(-1, UriResolver.Resolve("b/c"u8, "g"u8, new byte[64]));

    [Fact]
    public void Long_references_merge_through_a_pooled_buffer()
    {
        var segment = new string('x', 2000);
        Assert.Equal("http://a/b/c/" + segment + "/g", Resolve(Base, segment + "/./g"));
    }

    private static string Resolve(string baseUri, string reference)
    {
        var b = Encoding.UTF8.GetBytes(baseUri);
        var r = Encoding.UTF8.GetBytes(reference);
        var destination = new byte[UriResolver.MaxResolvedLength(b, r)];
        var length = UriResolver.Resolve(b, r, destination);
        Assert.True(length >= 0);
        return Encoding.UTF8.GetString(destination, 0, length);
    }
}
