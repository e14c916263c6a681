namespace M3uProxy.Edge.Media.MpegTs;

/// <summary>What an audio frame header says: codec name (as ffprobe names it), profile, channels and sample rate.</summary>
public readonly record struct AudioFormat(string Codec, string? Profile, int Channels, int SampleRate);
