using System.Text;

namespace M3uProxy.Edge.Tests.Hls;

/// <summary>
/// The rewriter against playlists whose expected outputs were written by hand from seed-spec §5.2
/// and seed-api-examples.md §3–4 (with the reference's bugs fixed: keys, maps, I-frame, session
/// and LL-HLS URIs rewritten, unknown tags kept, children classified by context).
/// </summary>
public sealed class PlaylistRewriterGoldenTests
{
    private const string Master = "1da10a6825c46b8e29504e1951efa2a4";
    private const string Variant = "94665de6e8377e5f77b286e9d2885459";
    private static readonly string _a = new('a', 32);

    public static TheoryData<string, string, string, string, string> Cases => new()
    {
        { "master-api-example", "https://cdn.example.com/live/channel1/master.m3u8", Master, Master, "client_c52c86ba74bfcc49" },
        { "media-api-example", "https://cdn.example.com/live/channel1/720p/index.m3u8", Variant, Master, "client_c52c86ba74bfcc49" },
        { "master-odd-forms", "http://origin.test:8080/live/user/pass/list.m3u8?token=abc", _a, _a, "c1" },
        { "media-live-scte", "http://origin.test:8080/live/user/pass/1234.m3u8?token=abc", new string('b', 32), _a, "c1" },
        { "vod-fmp4-byterange-aes", "https://vod.test/movies/42/video/main.m3u8", new string('c', 32), _a, "c1" },
        { "ll-hls", "https://ll.test/live/stream/media.m3u8", new string('d', 32), _a, "c1" },
        { "unsafe-forms", "http://origin.test/p/list.m3u8", new string('e', 32), new string('e', 32), "c1" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Rewrites_as_written_by_hand(string name, string baseUrl, string streamId, string parentId, string clientId)
    {
        var (input, expected) = Load(name);
        var actual = GoldenPlaylists.Rewrite(Encoding.UTF8.GetBytes(input), baseUrl, streamId, parentId, clientId);
        Assert.Equal(expected, GoldenPlaylists.MaskSignatures(actual));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Crlf_and_a_byte_order_mark_change_nothing_but_the_line_ends(string name, string baseUrl, string streamId, string parentId, string clientId)
    {
        var (input, expected) = Load(name);
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes(input.Replace("\n", "\r\n", StringComparison.Ordinal))).ToArray();
        var actual = GoldenPlaylists.Rewrite(bytes, baseUrl, streamId, parentId, clientId);
        Assert.Equal(expected.Replace("\n", "\r\n", StringComparison.Ordinal), GoldenPlaylists.MaskSignatures(actual));
    }

    [Fact]
    public void Every_untouched_line_is_kept_byte_for_byte()
    {
        var (input, _) = Load("master-odd-forms");
        var actual = GoldenPlaylists.Rewrite(Encoding.UTF8.GetBytes(input), "http://origin.test:8080/live/user/pass/list.m3u8?token=abc", _a, _a);
        var kept = input.Split('\n').Where(l => !l.Contains("URI=", StringComparison.Ordinal) && (l.StartsWith('#') || l.Length == 0));
        var lines = actual.Split('\n');
        Assert.All(kept, line => Assert.Contains(line, lines));
        Assert.DoesNotContain("origin.test:8080/", actual.Replace("origin.test%3A8080", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void The_parent_query_is_carried_only_when_asked_and_only_to_children_without_one()
    {
        var input = "#EXTM3U\n#EXTINF:2,\na.ts\n#EXTINF:2,\nb.ts?x=1\n"u8.ToArray();
        const string baseUrl = "http://o.test/p/list.m3u8?token=abc";
        var plain = GoldenPlaylists.Rewrite(input, baseUrl, _a, _a);
        Assert.Contains("url=http%3A%2F%2Fo.test%2Fp%2Fa.ts&", plain, StringComparison.Ordinal);
        var carried = GoldenPlaylists.Rewrite(input, baseUrl, _a, _a, carryQuery: true);
        Assert.Contains("url=http%3A%2F%2Fo.test%2Fp%2Fa.ts%3Ftoken%3Dabc&", carried, StringComparison.Ordinal);
        Assert.Contains("url=http%3A%2F%2Fo.test%2Fp%2Fb.ts%3Fx%3D1&", carried, StringComparison.Ordinal);
        GoldenPlaylists.MaskSignatures(carried);
    }

    [Fact]
    public void An_empty_root_path_gives_paths_from_the_root()
    {
        var actual = GoldenPlaylists.Rewrite("#EXTM3U\nx.ts\n"u8.ToArray(), "http://o.test/list.m3u8", _a, _a, rootPath: "");
        Assert.StartsWith($"#EXTM3U\n/hls/{_a}/segment.ts?url=http%3A%2F%2Fo.test%2Fx.ts&client_id=c1&sig=", actual, StringComparison.Ordinal);
    }

    private static (string Input, string Expected) Load(string name)
        => (File.ReadAllText(Path.Combine(GoldenPlaylists.Folder, name + ".input.m3u8")), File.ReadAllText(Path.Combine(GoldenPlaylists.Folder, name + ".expected.m3u8")));
}
