using System.Security.Cryptography;
using System.Text;

namespace M3uProxy.Edge.Webhooks;

/// <summary>
/// <c>X-M3U-Proxy-Signature: sha256=&lt;hex HMAC-SHA256 of the exact body bytes&gt;</c>, so a
/// receiver can check that a delivery comes from this proxy (the reference signs nothing).
/// </summary>
internal static class WebhookSignature
{
    public const string HeaderName = "X-M3U-Proxy-Signature";

    public static string Compute(string secret, ReadOnlySpan<byte> body)
    {
        Span<byte> hash = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body, hash);
        return "sha256=" + Convert.ToHexStringLower(hash);
    }
}
