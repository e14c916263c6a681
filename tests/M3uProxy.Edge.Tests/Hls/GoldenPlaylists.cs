using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using M3uProxy.Edge.Configuration;
using M3uProxy.Edge.Hls;
using M3uProxy.Edge.Media.Hls;

namespace M3uProxy.Edge.Tests.Hls;

/// <summary>
/// Runs the rewriter over the hand-written golden files. Expected files show each signature as
/// <c>{sig}</c>; every actual signature is first checked against an HMAC computed here, the
/// textbook way, then replaced by the placeholder.
/// </summary>
internal static partial class GoldenPlaylists
{
    public const string Secret = "golden-secret";

    public static string Folder => Path.Combine(AppContext.BaseDirectory, "Hls", "Golden");

    public static UrlSigner Signer { get; } = new(new ProxySettings { UrlSigningSecret = Secret });

    public static string Rewrite(byte[] input, string baseUrl, string streamId, string parentId, string clientId = "c1", bool carryQuery = false, string rootPath = "/m3u-proxy")
    {
        var output = new ArrayBufferWriter<byte>();
        using (var mapper = new ChildUrlMapper(rootPath, streamId, parentId, clientId, baseUrl, carryQuery, Signer))
        {
            PlaylistRewriter.Rewrite(input, output, mapper);
        }

        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    /// <summary>Checks every <c>sig=</c> of <paramref name="playlist"/> and replaces it with <c>{sig}</c>.</summary>
    public static string MaskSignatures(string playlist) => SignedUrl().Replace(playlist, match =>
    {
        var streamId = match.Groups["id"].Value;
        var url = Uri.UnescapeDataString(match.Groups["url"].Value);
        Assert.Equal(ExpectedSignature(streamId, url), match.Groups["sig"].Value);
        return match.Value[..(match.Groups["sig"].Index - match.Index)] + "{sig}";
    });

    public static string ExpectedSignature(string streamId, string url)
    {
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(Secret));
        var hash = hmac.ComputeHash(Encoding.UTF8.GetBytes(streamId + "\n" + url));
        return Convert.ToBase64String(hash, 0, 16).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    [GeneratedRegex(@"/hls/(?<id>[^/]+)/(?:playlist\.m3u8|segment\.ts)\?url=(?<url>[^&""\r\n]*)&client_id=[^&""\r\n]*(?:&parent=[^&""\r\n]*)?&sig=(?<sig>[A-Za-z0-9_-]{22})")]
    private static partial Regex SignedUrl();
}
