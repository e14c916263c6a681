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

    /// <summary>Which instance owns a channel's upstream: <c>"{fencing token} {worker} {url}"</c>, kept alive by its owner.</summary>
    public static RedisKey Owner(string streamId) => Prefix + "owner:" + streamId;

    /// <summary>The fencing counter: every grant of a channel takes the next number.</summary>
    public static RedisKey Fence { get; } = Prefix + "fence";

    /// <summary>The secret the instances authenticate each other with, when <c>CLUSTER_SECRET</c> is not set.</summary>
    public static RedisKey ClusterSecret { get; } = Prefix + "cluster-secret";

    /// <summary>A provider's held connection slots, scored by when each expires (ms, Redis's clock).</summary>
    public static RedisKey Slots(string provider) => Prefix + "slots:" + provider;

    /// <summary>Who holds each of a provider's slots: <c>"{slot} {stream} {worker} {priority} {since ms}"</c>.</summary>
    public static RedisKey SlotHolders(string provider) => Prefix + "slot-holders:" + provider;

    /// <summary>An instance's connected viewers (JSON), renewed while it runs.</summary>
    public static RedisKey Clients(string workerId) => Prefix + "clients:" + workerId;

    /// <summary>Which instances have viewers of a stream: worker → when that expires (ms, Redis's clock).</summary>
    public static RedisKey Watchers(string streamId) => Prefix + "watchers:" + streamId;

    /// <summary>The cluster's webhooks: URL → registration (JSON).</summary>
    public static RedisKey Webhooks { get; } = Prefix + "webhooks";

    /// <summary>Webhook URLs removed lately, scored by when their tombstone ends (ms).</summary>
    public static RedisKey WebhooksRemoved { get; } = Prefix + "webhooks-removed";

    /// <summary>Notices: <c>removed {stream id}</c>, <c>changed {worker} {stream id}</c> (entry rewritten), <c>released {channel id}</c> (lease released), <c>disconnect {client id}</c>, <c>webhooks</c> (registrations changed).</summary>
    public static RedisChannel StreamNotices { get; } = RedisChannel.Literal(Prefix + "stream-notices");
}
