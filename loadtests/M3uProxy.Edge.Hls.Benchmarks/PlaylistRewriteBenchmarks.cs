using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using M3uProxy.Edge.Configuration;
using M3uProxy.Edge.Media.Hls;

namespace M3uProxy.Edge.Hls.Benchmarks;

/// <summary>
/// One rewrite as the playlist route does it: a <see cref="ChildUrlMapper"/> per request (URL
/// shapes, RFC 3986 resolution, HMAC signature per URI) writing into a reused buffer writer, as
/// Kestrel's pooled response pipe is. Allocated bytes are the rewrite's own, not the output's.
/// The <c>Template</c> benchmarks are what the route does since the first request of a cached
/// playlist builds a <see cref="RewriteTemplate"/>: copy the pieces around each client part.
/// </summary>
[MemoryDiagnoser]
[InProcess]
public class PlaylistRewriteBenchmarks
{
    private const string StreamId = "1da10a6825c46b8e29504e1951efa2a4";
    private const string MasterUrl = "https://cdn.example.com/live/channel1/master.m3u8?token=abcdef";
    private const string MediaUrl = "https://cdn.example.com/live/channel1/720p/index.m3u8";
    private readonly ArrayBufferWriter<byte> _output = new(1 << 20);
    private UrlSigner _signer = null!;
    private readonly byte[] _clientPart = ChildUrlMapper.ClientPart("client_c52c86ba74bfcc49");
    private byte[] _master = [];
    private byte[] _media = [];
    private RewriteTemplate _masterTemplate = null!;
    private RewriteTemplate _mediaTemplate = null!;

    [GlobalSetup]
    public void Setup()
    {
        _signer = new UrlSigner(new ProxySettings { UrlSigningSecret = "benchmark" });
        var master = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-INDEPENDENT-SEGMENTS\n");
        master.Append("#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"aud\",NAME=\"English\",DEFAULT=YES,URI=\"audio/en/index.m3u8\"\n");
        foreach (var (height, bandwidth) in new[] { (1080, 6_000_000), (720, 3_000_000), (540, 1_800_000), (360, 900_000), (240, 400_000) })
        {
            master.Append($"#EXT-X-STREAM-INF:BANDWIDTH={bandwidth},RESOLUTION={height * 16 / 9}x{height},CODECS=\"avc1.64001f,mp4a.40.2\",AUDIO=\"aud\"\n{height}p/index.m3u8?token=abcdef\n");
        }

        _master = Encoding.UTF8.GetBytes(master.ToString());
        var media = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:6\n#EXT-X-MEDIA-SEQUENCE:100000\n#EXT-X-KEY:METHOD=AES-128,URI=\"../keys/k.bin\"\n");
        for (var i = 0; i < 1000; i++)
        {
            media.Append("#EXTINF:6.006,\n").Append("seg_").Append(100_000 + i).Append(".ts\n");
        }

        _media = Encoding.UTF8.GetBytes(media.ToString());
        _masterTemplate = RewriteTemplate.Build(_master, "/m3u-proxy", StreamId, StreamId, MasterUrl, carryQuery: false, _signer);
        _mediaTemplate = RewriteTemplate.Build(_media, "/m3u-proxy", StreamId, StreamId, MediaUrl, carryQuery: false, _signer);
    }

    [Benchmark]
    public int FiveVariantMaster() => Rewrite(_master, MasterUrl);

    [Benchmark]
    public int ThousandSegmentMedia() => Rewrite(_media, MediaUrl);

    [Benchmark]
    public int FiveVariantMasterTemplate() => Fill(_masterTemplate);

    [Benchmark]
    public int ThousandSegmentMediaTemplate() => Fill(_mediaTemplate);

    private int Fill(RewriteTemplate template)
    {
        _output.ResetWrittenCount();
        template.Write(_output, _clientPart);
        return _output.WrittenCount;
    }

    private int Rewrite(byte[] playlist, string baseUrl)
    {
        _output.ResetWrittenCount();
        using var mapper = new ChildUrlMapper("/m3u-proxy", StreamId, StreamId, "client_c52c86ba74bfcc49", baseUrl, carryQuery: false, _signer);
        PlaylistRewriter.Rewrite(playlist, _output, mapper);
        return _output.WrittenCount;
    }
}
