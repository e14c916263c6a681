namespace M3uProxy.Edge.Media.MpegTs;

/// <summary>What a video sequence header says: codec name (as ffprobe names it), profile, level, display size and, when signalled, frame rate.</summary>
public readonly record struct VideoFormat(string Codec, string? Profile, string? Level, int Width, int Height, double? Fps);
