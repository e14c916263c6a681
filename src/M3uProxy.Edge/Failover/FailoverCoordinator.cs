using System.Text.Json.Nodes;
using M3uProxy.Edge.Configuration;
using M3uProxy.Edge.Events;
using M3uProxy.Edge.FanOut;
using M3uProxy.Edge.Metrics;
using M3uProxy.Edge.Streams;
using M3uProxy.Edge.Upstream;

namespace M3uProxy.Edge.Failover;

/// <summary>
/// One place that advances a stream to its next source — from the ring or from the failover
/// resolver — and announces it with <c>failover_triggered</c>. The live channel's state machine
/// and <c>POST /streams/{id}/failover</c> both come through here.
/// </summary>
internal sealed partial class FailoverCoordinator
{
    private readonly FailoverResolver _resolver;
    private readonly EventBus _events;
    private readonly UpstreamClient _upstream;
    private readonly ProxySettings _settings;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger<FailoverCoordinator> _logger;
    private readonly ProxyMetrics _metrics;

    public FailoverCoordinator(FailoverResolver resolver, EventBus events, UpstreamClient upstream, ProxySettings settings, TimeProvider time, ILoggerFactory loggers, ProxyMetrics metrics)
    {
        _metrics = metrics;
        _resolver = resolver;
        _events = events;
        _upstream = upstream;
        _settings = settings;
        _time = time;
        _loggers = loggers;
        _logger = loggers.CreateLogger<FailoverCoordinator>();
    }

    /// <summary>The stream's sources: its failover position and the rules that move it (the position lives on the record).</summary>
    public StreamSources SourcesOf(StreamRecord stream) => new(stream, _time);

    /// <summary>The retry and failover state machine that feeds a live channel for this stream.</summary>
    public IChannelSource CreateChannelSource(StreamRecord stream)
        => new FailoverChannelSource(stream, SourcesOf(stream), this, _upstream, RetryPolicy.For(_settings, stream.Definition.StrictLiveTs), _time, _loggers.CreateLogger<FailoverChannelSource>());

    /// <summary>
    /// Advances once from <paramref name="seenVersion"/>: to the resolver's answer when the stream has
    /// a resolver, else to the next URL of the ring. Null when nothing else is available or another
    /// trigger advanced first.
    /// </summary>
    public async Task<FailoverSwitch?> AdvanceAsync(StreamRecord stream, long seenVersion, string reason, int? statusCode, CancellationToken cancellationToken)
    {
        var sources = SourcesOf(stream);
        FailoverSwitch? change;
        if (stream.Definition.FailoverResolverUrl is not null)
        {
            var next = await _resolver.NextUrlAsync(stream, sources.CurrentUrl, statusCode, reason, cancellationToken);
            change = next is null ? null : sources.TryAdvanceTo(seenVersion, next, reason);
        }
        else
        {
            change = sources.TryAdvance(seenVersion, reason);
        }

        if (change is not null)
        {
            _metrics.Failover(reason);
            Log.FailedOver(_logger, stream.Id, UrlMasking.Mask(change.OldUrl), UrlMasking.Mask(change.NewUrl), reason);
            _events.Publish(EventType.FailoverTriggered, stream.Id, new JsonObject
            {
                ["old_url"] = change.OldUrl,
                ["new_url"] = change.NewUrl,
                ["failover_index"] = change.FailoverIndex,
                ["attempt_number"] = change.AttemptNumber,
                ["reason"] = reason,
                ["client_count"] = stream.ClientCount,
            });
        }

        return change;
    }

    public void PublishFailed(StreamRecord stream, string reason, Exception? error, int retries)
    {
        _metrics.StreamFailed(reason);
        Log.StreamFailed(_logger, stream.Id, reason, UrlMasking.MaskText(error?.Message));
        _events.Publish(EventType.StreamFailed, stream.Id, new JsonObject
        {
            ["client_id"] = null,
            ["error"] = error?.Message ?? "No working source",
            ["error_type"] = ErrorType(error),
            ["reason"] = reason,
            ["retry_count"] = retries,
            ["no_failover"] = !stream.Definition.HasFailover,
        });
    }

    /// <summary>Counts one failed connection or read of an upstream (null: it closed without an error).</summary>
    public void RecordUpstreamError(Exception? error) => _metrics.UpstreamError(error is null ? "closed" : ErrorType(error));

    // The reference's error_type values: chunk_timeout, the failure kind, or the exception's class.
    private static string ErrorType(Exception? error) => error switch
    {
        StallException => "chunk_timeout",
        NotMediaException => nameof(UpstreamFailure.NotMedia),
        UpstreamException upstream => upstream.Failure.ToString(),
        null => "unknown",
        _ => error.GetType().Name,
    };

    private static partial class Log
    {
        [LoggerMessage(340, LogLevel.Warning, "Stream {StreamId}: failover {OldUrl} -> {NewUrl} ({Reason})")]
        public static partial void FailedOver(ILogger logger, string streamId, string oldUrl, string newUrl, string reason);

        [LoggerMessage(341, LogLevel.Error, "Stream {StreamId} failed: {Reason} ({Error})")]
        public static partial void StreamFailed(ILogger logger, string streamId, string reason, string? error);
    }
}
