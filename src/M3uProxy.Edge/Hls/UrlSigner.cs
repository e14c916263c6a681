using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using M3uProxy.Edge.Configuration;

namespace M3uProxy.Edge.Hls;

/// <summary>
/// Signs the child URLs of rewritten playlists so that the proxy fetches only what it handed out
/// (seed-spec §15.1: the reference fetches any <c>?url=</c> for anyone). The signature is an
/// HMAC-SHA256 over the stream id and the target URL, truncated to 128 bits, base64url. The key is
/// <c>URL_SIGNING_SECRET</c>; when unset it is derived from <c>API_TOKEN</c>, else (with Redis) from
/// <c>CLUSTER_SECRET</c>, else random per start
/// (then a restart invalidates the URLs players hold).
/// </summary>
internal sealed class UrlSigner
{
    /// <summary>Length of a signature in characters (16 bytes in base64url without padding).</summary>
    public const int SignatureLength = 22;

    private const int HashPrefixBytes = 16;

    private readonly ProxySettings _settings;
    private byte[]? _key;

    // The key is made at the first signature, not at start-up: making it loads OpenSSL (3 MB of
    // memory and milliseconds of CPU), which an idle proxy does not need.
    public UrlSigner(ProxySettings settings) => _settings = settings;

    // One key per process even when the first signatures race: the first key stored wins.
    private byte[] Key => Volatile.Read(ref _key) ?? LazyInitializer.EnsureInitialized(ref _key, () => KeyOf(_settings));

    private static byte[] KeyOf(ProxySettings settings)
    {
        if (settings.UrlSigningSecret.Length > 0)
        {
            return Encoding.UTF8.GetBytes(settings.UrlSigningSecret);
        }

        // A separate key, so that a signature says nothing about the token itself. In a cluster with
        // CLUSTER_SECRET the key is the same on every instance, and so are the URLs players get.
        var shared = settings.ApiToken.Length > 0 ? settings.ApiToken : settings.RedisEnabled ? settings.ClusterSecret : "";
        return shared.Length > 0
            ? HMACSHA256.HashData(Encoding.UTF8.GetBytes(shared), "m3u-proxy url signing"u8)
            : RandomNumberGenerator.GetBytes(32);
    }

    /// <summary>Writes the signature of (<paramref name="streamId"/>, <paramref name="url"/>) as <see cref="SignatureLength"/> UTF-8 bytes.</summary>
    public void Sign(ReadOnlySpan<byte> streamId, ReadOnlySpan<byte> url, Span<byte> destination)
    {
        Span<byte> hash = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Hash(streamId, url, hash);
        Base64Url.EncodeToUtf8(hash[..HashPrefixBytes], destination);
    }

    /// <summary>The signature of (<paramref name="streamId"/>, <paramref name="url"/>) as text.</summary>
    public string Sign(string streamId, string url)
    {
        Span<byte> signature = stackalloc byte[SignatureLength];
        Sign(Encoding.UTF8.GetBytes(streamId), Encoding.UTF8.GetBytes(url), signature);
        return Encoding.ASCII.GetString(signature);
    }

    /// <summary>Whether <paramref name="signature"/> is the signature of (<paramref name="streamId"/>, <paramref name="url"/>); constant time.</summary>
    public bool Verify(string streamId, string url, string signature)
    {
        if (signature.Length != SignatureLength)
        {
            return false;
        }

        Span<byte> given = stackalloc byte[HashPrefixBytes + 2];
        if (!Base64Url.TryDecodeFromChars(signature, given, out var decoded) || decoded != HashPrefixBytes)
        {
            return false;
        }

        var idBytes = Encoding.UTF8.GetBytes(streamId);
        var urlBytes = Encoding.UTF8.GetBytes(url);
        Span<byte> hash = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Hash(idBytes, urlBytes, hash);
        return CryptographicOperations.FixedTimeEquals(hash[..HashPrefixBytes], given[..HashPrefixBytes]);
    }

    private void Hash(ReadOnlySpan<byte> streamId, ReadOnlySpan<byte> url, Span<byte> hash)
    {
        var length = streamId.Length + 1 + url.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            streamId.CopyTo(buffer);
            buffer[streamId.Length] = (byte)'\n';
            url.CopyTo(buffer.AsSpan(streamId.Length + 1));
            HMACSHA256.HashData(Key, buffer.AsSpan(0, length), hash);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
