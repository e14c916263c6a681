namespace M3uProxy.Edge.Packaging;

/// <summary>
/// One segment cut from a live channel: the PAT and PMT, then the bytes from a keyframe up to the
/// next cut. Immutable once made; responses write it straight from memory.
/// </summary>
internal sealed record PackagedSegment(long Sequence, double DurationSeconds, bool Discontinuity, byte[] Data);
