namespace M3uProxy.Edge.Media.MpegTs;

/// <summary>
/// What a transport stream carries, read from its own bytes: one immutable snapshot, replaced
/// whenever something changes (never per packet).
/// </summary>
public sealed record MediaInfo
{
    public string Container { get; init; } = "mpegts";

    public VideoFormat? Video { get; init; }

    /// <summary>Frames per second: the sequence header's when it signals one, else measured from the timestamps.</summary>
    public double? Fps { get; init; }

    public AudioFormat? Audio { get; init; }

    /// <summary>The multiplex's rate measured between program clock references.</summary>
    public int? BitrateKbps { get; init; }

    /// <summary><c>WxH</c> of the displayed picture, or null before a sequence header was read.</summary>
    public string? Resolution => Video is { } video ? $"{video.Width}x{video.Height}" : null;
}
