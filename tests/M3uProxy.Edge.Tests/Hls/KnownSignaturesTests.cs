using System.Buffers;
using System.Text;
using M3uProxy.Edge.Hls;
using M3uProxy.Edge.Media.Hls;

namespace M3uProxy.Edge.Tests.Hls;

/// <summary>Later rewrites of a cached playlist copy the first rewrite's signatures instead of signing again.</summary>
public sealed class KnownSignaturesTests
{
    private const string BaseUrl = "https://cdn.example.com/live/channel/index.m3u8?token=t";

    public static TheoryData<string> Inputs()
        => [.. Directory.GetFiles(GoldenPlaylists.Folder, "*.input.m3u8").Select(Path.GetFileName).OfType<string>()];

    private static (string Text, KnownSignatures? Recorded) Rewrite(byte[] input, string streamId, string clientId, KnownSignatures? known)
    {
        var output = new ArrayBufferWriter<byte>();
        using var mapper = new ChildUrlMapper("/m3u-proxy", streamId, "parent", clientId, BaseUrl, carryQuery: false, GoldenPlaylists.Signer, known);
        PlaylistRewriter.Rewrite(input, output, mapper);
        return (Encoding.UTF8.GetString(output.WrittenSpan), mapper.RecordedSignatures(streamId));
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void ARewriteWithKnownSignatures_EqualsAFreshOne_ForAnotherClient(string file)
    {
        var input = File.ReadAllBytes(Path.Combine(GoldenPlaylists.Folder, file));
        var (_, recorded) = Rewrite(input, "stream-a", "first-client", known: null);
        Assert.NotNull(recorded);

        var (fresh, _) = Rewrite(input, "stream-a", "second-client", known: null);
        var (reused, again) = Rewrite(input, "stream-a", "second-client", recorded);

        Assert.Equal(fresh, reused);
        Assert.Null(again); // nothing new was signed, so nothing is recorded
    }

    [Fact]
    public void SignaturesKnownForAnotherStream_AreNotUsed()
    {
        var input = File.ReadAllBytes(Path.Combine(GoldenPlaylists.Folder, "media-api-example.input.m3u8"));
        var (_, forA) = Rewrite(input, "stream-a", "c", known: null);

        var (fresh, _) = Rewrite(input, "stream-b", "c", known: null);
        var (withAs, _) = Rewrite(input, "stream-b", "c", forA);

        Assert.Equal(fresh, withAs);
        Assert.NotEqual(Rewrite(input, "stream-a", "c", known: null).Text, fresh);
    }
}
