using Microsoft.Net.Http.Headers;

namespace M3uProxy.Edge.Playback;

/// <summary>Headers every media response carries (seed-spec §6.3, §1.4).</summary>
internal static class PlaybackHeaders
{
    public static void Apply(HttpResponse response, string contentType, bool acceptRanges)
    {
        var headers = response.Headers;
        headers.ContentType = contentType;
        headers.CacheControl = "no-cache, no-store, must-revalidate";
        headers.Pragma = "no-cache";
        headers.Expires = "0";
        headers.AcceptRanges = acceptRanges ? "bytes" : "none";
        headers.AccessControlAllowOrigin = "*";
        headers.AccessControlAllowMethods = "GET, HEAD, OPTIONS";
        headers.AccessControlAllowHeaders = "*";
        headers.AccessControlExposeHeaders = "*";
        headers.Remove(HeaderNames.ContentLength);
    }
}
