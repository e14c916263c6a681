namespace M3uProxy.Edge.FanOut;

/// <summary>How a live channel buffers, who joins where, and how it bridges a quiet upstream.</summary>
/// <param name="BufferBytes">The most a reader may lag before it is moved forward or dropped (<c>LIVE_BUFFER_BYTES</c>).</param>
/// <param name="JoinBurstBytes">Recent bytes kept for joiners (<c>LIVE_JOIN_BURST_BYTES</c>).</param>
/// <param name="KeepaliveBound">How long a quiet upstream is bridged with repeated PAT/PMT (zero: never).</param>
/// <param name="RetainLatestKeyframe">Keep the bytes back to the latest keyframe for joiners too, beyond the burst (<c>LIVE_JOIN_AT_KEYFRAME</c>).</param>
internal sealed record LiveChannelOptions(long BufferBytes, long JoinBurstBytes = 0, TimeSpan KeepaliveBound = default, bool RetainLatestKeyframe = false);
