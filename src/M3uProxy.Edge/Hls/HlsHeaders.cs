namespace M3uProxy.Edge.Hls;

/// <summary>Headers of HLS answers (seed-spec §2.5, §1.4).</summary>
internal static class HlsHeaders
{
    public const string PlaylistContentType = "application/vnd.apple.mpegurl";

    public static void ApplyCors(HttpResponse response)
    {
        var headers = response.Headers;
        headers.AccessControlAllowOrigin = "*";
        headers.AccessControlAllowMethods = "GET, HEAD, OPTIONS";
        headers.AccessControlAllowHeaders = "*";
        headers.AccessControlExposeHeaders = "*";
    }
}
