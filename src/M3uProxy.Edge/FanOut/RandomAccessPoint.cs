namespace M3uProxy.Edge.FanOut;

/// <summary>
/// Where decoding can start in a channel's buffer: the position of a keyframe's first packet, its
/// presentation time (90 kHz), and the PAT and PMT packets to send before it (shared, never changed).
/// </summary>
internal readonly record struct RandomAccessPoint(long Position, long Pts, ReadOnlyMemory<byte> ProgramHeader);
