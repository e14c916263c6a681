using M3uProxy.Edge.Upstream;

namespace M3uProxy.Edge.Hls;

/// <summary>
/// The outcome of asking for a segment: a shared in-memory answer, an upstream failure, or (for a
/// segment too large to hold) an open upstream response that exactly one caller streams through.
/// </summary>
internal sealed class SegmentFetch
{
    private UpstreamResponse? _response;

    private SegmentFetch(SharedSegment? segment, UpstreamException? error, UpstreamResponse? response, byte[]? prefix, int prefixLength)
    {
        Segment = segment;
        Error = error;
        _response = response;
        Prefix = prefix;
        PrefixLength = prefixLength;
    }

    public SharedSegment? Segment { get; }

    public UpstreamException? Error { get; }

    /// <summary>Bytes already read from the streamed response (pooled; returned by the caller that claims it).</summary>
    public byte[]? Prefix { get; }

    public int PrefixLength { get; }

    public bool IsStreamed => Segment is null && Error is null;

    public static SegmentFetch Shared(SharedSegment segment) => new(segment, null, null, null, 0);

    public static SegmentFetch Failed(UpstreamException error) => new(null, error, null, null, 0);

    public static SegmentFetch Streamed(UpstreamResponse response, byte[]? prefix, int prefixLength) => new(null, null, response, prefix, prefixLength);

    /// <summary>Closes the response and returns the prefix when no caller claimed them (every waiter gave up).</summary>
    public void ReleaseIfUnclaimed()
    {
        if (TryClaim(out var response))
        {
            response.Dispose();
            if (Prefix is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(Prefix);
            }
        }
    }

    /// <summary>Takes the open response; true for exactly one caller.</summary>
    public bool TryClaim(out UpstreamResponse response)
    {
        response = Interlocked.Exchange(ref _response, null)!;
        return response is not null;
    }
}
