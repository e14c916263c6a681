namespace M3uProxy.Edge.Hls;

/// <summary>Bounds on what the proxy accepts as a playlist, so a wrong URL (a TS stream, a huge file) fails fast.</summary>
internal static class HlsLimits
{
    /// <summary>Largest playlist read (a 10-hour VOD playlist of 2 s segments is about 2 MiB).</summary>
    public const int MaxPlaylistBytes = 8 * 1024 * 1024;

    /// <summary>Longest line accepted in a playlist.</summary>
    public const int MaxLineBytes = 64 * 1024;

    /// <summary>Time allowed for a playlist's whole body, after its headers.</summary>
    public static readonly TimeSpan PlaylistBodyTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Largest segment held whole in memory and shared; bigger ones stream through.</summary>
    public const int MaxSharedSegmentBytes = 32 * 1024 * 1024;
}
