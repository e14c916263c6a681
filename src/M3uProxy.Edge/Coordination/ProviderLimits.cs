using System.Globalization;
using M3uProxy.Edge.Events;
using M3uProxy.Edge.FanOut;
using M3uProxy.Edge.Lifecycle;
using M3uProxy.Edge.Streams;
using M3uProxy.Edge.Upstream;

namespace M3uProxy.Edge.Coordination;

/// <summary>
/// Provider connection limits for live channels: before a channel opens its upstream it takes one
/// of its provider's slots (<see cref="IConnectionSlots"/>: leases, never counters, so nothing can
/// leak), and gives it back when the channel ends. At the limit it first waits a short grace for a
/// slot a closing stream gives back (a zap or a seek), then applies the policy: refuse (503 with a
/// reason), or preempt — stop the oldest lowest-priority stream of that provider, with a
/// <c>stream_stopped</c> saying why, and wait for its upstream to close. The origin never sees
/// more open connections for a provider than its limit. (The channel registry is asked lazily:
/// it builds channels through the source chain that holds this.)
/// </summary>
internal sealed partial class ProviderLimits
{
    private static readonly TimeSpan _retryEvery = TimeSpan.FromMilliseconds(50);

    private readonly ProviderLimitOptions _options;
    private readonly IConnectionSlots _slots;
    private readonly IStreamDirectory _directory;
    private readonly StreamLifecycle _lifecycle;
    private readonly Func<LiveChannelRegistry> _channels;
    private readonly InstanceInfo _self;
    private readonly TimeProvider _time;
    private readonly ILogger<ProviderLimits> _logger;

    public ProviderLimits(ProviderLimitOptions options, IConnectionSlots slots, IStreamDirectory directory, StreamLifecycle lifecycle, Func<LiveChannelRegistry> channels, InstanceInfo self, TimeProvider time, ILogger<ProviderLimits> logger)
    {
        _options = options;
        _slots = slots;
        _directory = directory;
        _lifecycle = lifecycle;
        _channels = channels;
        _self = self;
        _time = time;
        _logger = logger;
    }

    public bool Enabled => _options.Enabled;

    /// <summary>Which provider a stream's upstream belongs to: the metadata field when configured and present, else its host:port.</summary>
    public string ProviderOf(StreamRecord stream)
    {
        var definition = stream.Definition;
        if (_options.KeyField is { } field && definition.Metadata.TryGetValue(field, out var value) && value.Length > 0)
        {
            return value;
        }

        var url = new Uri(definition.Url);
        return url.Host + ":" + url.Port.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Takes a slot for <paramref name="stream"/>'s channel; null when its provider has no limit.
    /// Throws <see cref="UpstreamException"/> (<see cref="UpstreamFailure.ProviderLimit"/>) when none can be had.
    /// </summary>
    public async Task<ConnectionSlot?> AcquireAsync(StreamRecord stream, CancellationToken cancellationToken)
    {
        var provider = ProviderOf(stream);
        var limit = _options.LimitOf(provider);
        if (limit <= 0)
        {
            return null;
        }

        var priority = PriorityOf(stream);
        var holder = new SlotHolder(Guid.NewGuid().ToString("N"), stream.Id, _self.WorkerId, priority, _time.GetUtcNow());
        if (await TryAcquireWithinAsync(provider, limit, holder, ProviderLimitOptions.Grace, cancellationToken) is { } slot)
        {
            return slot;
        }

        if (_options.Policy == ProviderLimitPolicy.Refuse)
        {
            Log.Refused(_logger, stream.Id, provider, limit);
            throw Full(provider, limit);
        }

        var holders = await _slots.HoldersAsync(provider, cancellationToken);
        var victim = holders.Where(h => h.StreamId != stream.Id && h.Priority <= priority).OrderBy(h => h.Priority).ThenBy(h => h.Since).FirstOrDefault();
        if (victim is null || await FindAsync(victim.StreamId, cancellationToken) is not { } victimStream)
        {
            Log.Refused(_logger, stream.Id, provider, limit);
            throw Full(provider, limit);
        }

        Log.Preempting(_logger, victim.StreamId, stream.Id, provider, limit);
        _lifecycle.RemoveStream(victimStream, new StopReason("provider_limit_preempted", new()
        {
            ["provider"] = provider,
            ["max_connections"] = limit,
            ["preempted_by"] = stream.Id,
        }));
        _channels().Stop(victim.StreamId); // at once, even when LIVE_LAST_VIEWER_GRACE would keep it open
        await _directory.RemoveAsync(victim.StreamId, cancellationToken); // the instance that holds its slot ends it too
        return await TryAcquireWithinAsync(provider, limit, holder, ProviderLimitOptions.PreemptWait, cancellationToken)
            ?? throw Full(provider, limit);
    }

    /// <summary>The stream here, or (in a cluster) from the directory when another instance holds it.</summary>
    private async Task<StreamRecord?> FindAsync(string streamId, CancellationToken cancellationToken)
    {
        if (_lifecycle.Streams.TryGet(streamId, out var stream))
        {
            return stream;
        }

        return await _directory.FindAsync(streamId, cancellationToken) is { } shared ? _lifecycle.Upsert(shared.Definition, out _) : null;
    }

    private async Task<ConnectionSlot?> TryAcquireWithinAsync(string provider, int limit, SlotHolder holder, TimeSpan wait, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        while (true)
        {
            if (await _slots.TryAcquireAsync(provider, limit, holder, cancellationToken) is { } slot)
            {
                return slot;
            }

            if (_time.GetElapsedTime(started) >= wait)
            {
                return null;
            }

            await Task.Delay(_retryEvery, _time, cancellationToken);
        }
    }

    /// <summary>The stream's <c>priority</c> metadata (higher stays longer; 0 when absent).</summary>
    private static int PriorityOf(StreamRecord stream)
        => stream.Definition.Metadata.TryGetValue("priority", out var text) && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var priority) ? priority : 0;

    private static UpstreamException Full(string provider, int limit)
        => new(UpstreamFailure.ProviderLimit, $"Provider {provider} is at its limit of {limit} connection{(limit == 1 ? "" : "s")}");

    private static partial class Log
    {
        [LoggerMessage(830, LogLevel.Warning, "Stream {StreamId}: refused, provider {Provider} is at its limit of {Limit}")]
        public static partial void Refused(ILogger logger, string streamId, string provider, int limit);

        [LoggerMessage(831, LogLevel.Warning, "Stream {Victim}: stopped for {StreamId}, provider {Provider} is at its limit of {Limit}")]
        public static partial void Preempting(ILogger logger, string victim, string streamId, string provider, int limit);
    }
}
