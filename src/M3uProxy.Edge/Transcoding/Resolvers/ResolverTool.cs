namespace M3uProxy.Edge.Transcoding.Resolvers;

/// <summary>streamlink or yt-dlp: their names, default arguments and the reference's messages (seed-spec §2.4, §8.7).</summary>
internal sealed record ResolverTool(string Name, string Binary, string DefaultArguments, string DisabledMessage)
{
    public static ResolverTool Streamlink { get; } = new("streamlink", "streamlink", "best", "Streamlink resolver is disabled (STREAMLINK_ENABLED=false)");

    public static ResolverTool Ytdlp { get; } = new("ytdlp", "yt-dlp", "bestvideo+bestaudio/best", "yt-dlp resolver is disabled (YTDLP_ENABLED=false)");

    public bool IsStreamlink => Name == "streamlink";

    public static ResolverTool For(string name) => name == "streamlink" ? Streamlink : Ytdlp;
}
