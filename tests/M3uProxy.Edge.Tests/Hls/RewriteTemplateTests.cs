using System.Buffers;
using System.Text;
using M3uProxy.Edge.Hls;
using M3uProxy.Edge.Media.Hls;

namespace M3uProxy.Edge.Tests.Hls;

/// <summary>A playlist rewritten once with holes for the client gives every client the bytes a fresh rewrite would.</summary>
public sealed class RewriteTemplateTests
{
    private const string BaseUrl = "https://cdn.example.com/live/channel/index.m3u8?token=t";

    public static TheoryData<string> Inputs()
        => [.. Directory.GetFiles(GoldenPlaylists.Folder, "*.input.m3u8").Select(Path.GetFileName).OfType<string>()];

    private static string Fresh(byte[] input, string streamId, string clientId, bool carryQuery = false)
    {
        var output = new ArrayBufferWriter<byte>();
        using var mapper = new ChildUrlMapper("/m3u-proxy", streamId, "parent", clientId, BaseUrl, carryQuery, GoldenPlaylists.Signer);
        PlaylistRewriter.Rewrite(input, output, mapper);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static string FromTemplate(RewriteTemplate template, string clientId)
    {
        var output = new ArrayBufferWriter<byte>();
        template.Write(output, ChildUrlMapper.ClientPart(clientId));
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void TheTemplateFilledForAClient_EqualsAFreshRewriteForThatClient(string file)
    {
        var input = File.ReadAllBytes(Path.Combine(GoldenPlaylists.Folder, file));
        var template = RewriteTemplate.Build(input, "/m3u-proxy", "stream-a", "parent", BaseUrl, carryQuery: false, GoldenPlaylists.Signer);

        foreach (var client in new[] { "first-client", "second client & co/é", "" })
        {
            Assert.Equal(Fresh(input, "stream-a", client), FromTemplate(template, client));
        }

        var carrying = RewriteTemplate.Build(input, "/m3u-proxy", "stream-a", "parent", BaseUrl, carryQuery: true, GoldenPlaylists.Signer);
        Assert.Equal(Fresh(input, "stream-a", "c", carryQuery: true), FromTemplate(carrying, "c"));
    }

    [Fact]
    public void ATemplate_NamesItsStream_AndOtherStreamsGetOtherUrls()
    {
        var input = File.ReadAllBytes(Path.Combine(GoldenPlaylists.Folder, "media-api-example.input.m3u8"));
        var forA = RewriteTemplate.Build(input, "/m3u-proxy", "stream-a", "parent", BaseUrl, carryQuery: false, GoldenPlaylists.Signer);
        var forB = RewriteTemplate.Build(input, "/m3u-proxy", "stream-b", "parent", BaseUrl, carryQuery: false, GoldenPlaylists.Signer);

        Assert.Equal(("stream-a", "parent"), (forA.StreamId, forA.ParentId));
        Assert.Equal(Fresh(input, "stream-b", "c"), FromTemplate(forB, "c"));
        Assert.NotEqual(FromTemplate(forA, "c"), FromTemplate(forB, "c"));
        Assert.Contains("&client_id=c&", FromTemplate(forA, "c"), StringComparison.Ordinal);
    }
}
