using StackExchange.Redis;

namespace M3uProxy.Edge.Coordination.Redis;

/// <summary>Every key and channel the cluster uses, in one place, under one prefix.</summary>
internal static class RedisKeys
{
    private const string Prefix = "m3u-proxy:";

    /// <summary>A stream's shared definition and failover position (JSON), kept alive by the instances holding it.</summary>
    public static RedisKey Stream(string streamId) => Prefix + "stream:" + streamId;

    /// <summary>Set after an explicit delete, so that no instance re-asserts the stream meanwhile.</summary>
    public static RedisKey Removed(string streamId) => Prefix + "stream-removed:" + streamId;

    /// <summary>The ids of the shared streams (members may outlive their stream; readers skip those).</summary>
    public static RedisKey StreamIndex { get; } = Prefix + "streams";

    /// <summary>An instance's presence (its advertised URL), renewed while it runs.</summary>
    public static RedisKey Instance(string workerId) => Prefix + "instance:" + workerId;

    /// <summary>The present instances, scored by when their presence expires (ms since the epoch).</summary>
    public static RedisKey Instances { get; } = Prefix + "instances";

    /// <summary>Notices about streams: <c>removed {id}</c>.</summary>
    public static RedisChannel StreamNotices { get; } = RedisChannel.Literal(Prefix + "stream-notices");
}
