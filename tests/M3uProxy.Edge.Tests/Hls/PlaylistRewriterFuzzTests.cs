using System.Text;

namespace M3uProxy.Edge.Tests.Hls;

/// <summary>
/// Feeds the rewriter mutated playlists (seed corpus: the golden inputs and a few odd forms) for a
/// fixed budget, with a fixed random seed so a failure reproduces. No exception may escape and
/// the independent <see cref="ProxiedUriChecker"/> must find no URI that bypasses the proxy.
/// </summary>
public sealed class PlaylistRewriterFuzzTests
{
    private const int Budget = 20_000;
    private static readonly string _streamId = new('a', 32);

    private static readonly string[] _extraSeeds =
    [
        "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nhttp://origin.test/v.m3u8\n",
        "#EXTM3U\n#EXT-X-KEY:METHOD=AES-128,URI=\"k\",IV=0x1\n#EXTINF:1,\ns.ts\n",
        "\uFEFF#EXTM3U\r\n#EXTINF:1,t\r\n//other.test/a.ts\r\n",
        "#EXTM3U\n#EXT-X-DATERANGE:ID=\"i\",X-ASSET-URI=\"a.m3u8\",X-ASSET-LIST=\"l.json\"\n#EXT-X-CONTENT-STEERING:SERVER-URI=\"s.json\"\n",
    ];

    private static readonly string[] _tokens =
    [
        "URI=\"", "\"", ",", "=", ":", "\n", "\r", "\r\n", "#", "#EXT-X-STREAM-INF:", "#EXT-X-KEY:URI=\"", "#EXT-X-MEDIA:URI=\"", "#EXTINF:",
        "http://origin.test/", "https://", "//", "../", "./", "?", "&", "file:///etc/passwd", "data:,x", "skd://k", "ftp://x/", " ", "\t",
        "\0", "\u00ff", "%2F", "X-ASSET-LIST=\"", "SERVER-URI=\"", "URI=", "http:", "HTTP://ORIGIN.TEST/", "javascript:alert(1)",
    ];

    [Fact]
    public void Arbitrary_bytes_never_throw_and_never_leave_a_uri_that_bypasses_the_proxy()
    {
        var corpus = Directory.GetFiles(GoldenPlaylists.Folder, "*.input.m3u8").Select(File.ReadAllBytes)
            .Concat(_extraSeeds.Select(Encoding.UTF8.GetBytes)).ToList();
        var random = new Random(20261129);
        for (var iteration = 0; iteration < Budget; iteration++)
        {
            var input = Mutate(corpus[random.Next(corpus.Count)], corpus, random);
            string output;
            try
            {
                output = GoldenPlaylists.Rewrite(input, "http://origin.test:8080/live/list.m3u8?token=abc", _streamId, _streamId);
            }
            catch (Exception exception)
            {
                Assert.Fail($"iteration {iteration}: {exception.GetType().Name}: {exception.Message}\ninput (base64): {Convert.ToBase64String(input)}");
                return;
            }

            if (ProxiedUriChecker.FindUnproxiedUri(Encoding.UTF8.GetBytes(output), _streamId) is { } line)
            {
                Assert.Fail($"iteration {iteration}: unproxied URI in line {line}\ninput (base64): {Convert.ToBase64String(input)}");
            }
        }
    }

    [Fact]
    public void The_checker_itself_catches_origin_uris()
    {
        Assert.NotNull(ProxiedUriChecker.FindUnproxiedUri("#EXTM3U\nhttp://origin.test/a.ts\n"u8.ToArray(), _streamId));
        Assert.NotNull(ProxiedUriChecker.FindUnproxiedUri("#EXT-X-KEY:METHOD=AES-128,URI=\"http://origin.test/k\"\n"u8.ToArray(), _streamId));
        Assert.NotNull(ProxiedUriChecker.FindUnproxiedUri("#EXT-X-MAP:URI=init.mp4\n"u8.ToArray(), _streamId));
        Assert.NotNull(ProxiedUriChecker.FindUnproxiedUri(Encoding.UTF8.GetBytes($"/m3u-proxy/hls/{_streamId}/segment.ts?url=http%3A%2F%2Fo%2Fa&client_id=c1&sig=AAAAAAAAAAAAAAAAAAAAAA\n"), _streamId));
        Assert.Null(ProxiedUriChecker.FindUnproxiedUri("#EXTM3U\n#EXTINF:1,URI=\"http://title\"\n# http://comment\n"u8.ToArray(), _streamId));
    }

    private static byte[] Mutate(byte[] seed, List<byte[]> corpus, Random random)
    {
        var data = new List<byte>(seed);
        var steps = random.Next(1, 8);
        for (var step = 0; step < steps; step++)
        {
            var at = data.Count == 0 ? 0 : random.Next(data.Count + 1);
            switch (random.Next(6))
            {
                case 0 when data.Count > 0: // flip a byte
                    data[Math.Min(at, data.Count - 1)] = (byte)random.Next(256);
                    break;
                case 1: // insert a token
                    data.InsertRange(at, Encoding.UTF8.GetBytes(_tokens[random.Next(_tokens.Length)]));
                    break;
                case 2 when data.Count > 0: // delete a run
                    var length = Math.Min(random.Next(1, 16), data.Count - Math.Min(at, data.Count - 1));
                    data.RemoveRange(Math.Min(at, data.Count - 1), length);
                    break;
                case 3: // splice in part of another seed
                    var other = corpus[random.Next(corpus.Count)];
                    var from = random.Next(other.Length);
                    data.InsertRange(at, other.Skip(from).Take(random.Next(1, 200)));
                    break;
                case 4: // random bytes
                    var noise = new byte[random.Next(1, 32)];
                    random.NextBytes(noise);
                    data.InsertRange(at, noise);
                    break;
                default: // truncate
                    if (at < data.Count)
                    {
                        data.RemoveRange(at, data.Count - at);
                    }

                    break;
            }
        }

        return [.. data];
    }
}
