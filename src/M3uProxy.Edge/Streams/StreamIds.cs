using System.Text;

namespace M3uProxy.Edge.Streams;

/// <summary>Identifiers as the reference makes them (seed-spec §1.5), so ids stay stable across the swap.</summary>
internal static class StreamIds
{
    /// <summary>A stream's id: MD5 of the URL exactly as given, 32 lower-case hex digits.</summary>
    public static string ForUrl(string url) => Md5Hex(url);

    /// <summary><c>client_</c> + the first 16 hex digits of MD5("ip-ua-stream-username").</summary>
    public static string DeriveClientId(string ipAddress, string userAgent, string streamId, string? username)
        => "client_" + Md5Hex($"{ipAddress}-{userAgent}-{streamId}-{username ?? ""}")[..16];

    public static string Md5Hex(string text)
    {
        Span<byte> hash = stackalloc byte[Md5.HashSizeInBytes];
        Md5.HashData(Encoding.UTF8.GetBytes(text), hash);
        return Convert.ToHexStringLower(hash);
    }
}
