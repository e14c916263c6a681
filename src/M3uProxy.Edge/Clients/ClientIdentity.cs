using System.Net;

namespace M3uProxy.Edge.Clients;

/// <summary>
/// Who is asking, as the reference reads it (seed-spec §1.6): IP from the first
/// <c>X-Forwarded-For</c> entry or the peer, User-Agent, and a username from <c>X-Username</c>
/// or <c>?username=</c>, <c>?user=</c>, <c>?u=</c>.
/// </summary>
internal sealed record ClientIdentity(string IpAddress, string UserAgent, string? Username)
{
    public const string Unknown = "unknown";

    public static ClientIdentity From(HttpContext context)
    {
        var request = context.Request;
        return new ClientIdentity(ReadIp(context), ReadUserAgent(request), ReadUsername(request));
    }

    private static string ReadIp(HttpContext context)
    {
        var forwarded = context.Request.Headers["X-Forwarded-For"].ToString();
        if (!string.IsNullOrWhiteSpace(forwarded))
        {
            var first = forwarded.Split(',')[0].Trim();
            if (first.Length > 0)
            {
                return first;
            }
        }

        return context.Connection.RemoteIpAddress is { } peer ? Display(peer) : Unknown;
    }

    /// <summary>IPv4-mapped IPv6 addresses (::ffff:1.2.3.4) are shown as plain IPv4, as Python shows them.</summary>
    public static string Display(IPAddress address)
        => (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();

    private static string ReadUserAgent(HttpRequest request)
    {
        var userAgent = request.Headers.UserAgent.ToString();
        return userAgent.Length > 0 ? userAgent : Unknown;
    }

    private static string? ReadUsername(HttpRequest request)
    {
        var header = request.Headers["X-Username"].ToString();
        if (header.Length > 0)
        {
            return header;
        }

        foreach (var name in (ReadOnlySpan<string>)["username", "user", "u"])
        {
            var value = request.Query[name].ToString();
            if (value.Length > 0)
            {
                return value;
            }
        }

        return null;
    }
}
