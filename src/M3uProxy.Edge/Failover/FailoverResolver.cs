using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using M3uProxy.Edge.Api;
using M3uProxy.Edge.Events;
using M3uProxy.Edge.Streams;
using M3uProxy.Edge.Upstream;

namespace M3uProxy.Edge.Failover;

/// <summary>
/// m3u-editor's smart failover (seed-spec §7.1): POST <c>{current_url, metadata,
/// current_failover_index, status_code, reason}</c> to the stream's <c>failover_resolver_url</c>
/// and use the <c>next_url</c> it answers. Any error, non-2xx or empty answer means no failover.
/// </summary>
internal sealed partial class FailoverResolver
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(10);
    private readonly ControlHttpClient _http;
    private readonly ILogger<FailoverResolver> _logger;

    public FailoverResolver(ControlHttpClient http, ILogger<FailoverResolver> logger)
    {
        _http = http;
        _logger = logger;
    }

    public async Task<string?> NextUrlAsync(StreamRecord stream, string currentUrl, int? statusCode, string reason, CancellationToken cancellationToken)
    {
        var definition = stream.Definition;
        var payload = new JsonObject
        {
            ["current_url"] = currentUrl,
            ["metadata"] = EventData.Metadata(definition.Metadata),
            ["current_failover_index"] = stream.Failover.Index,
            ["status_code"] = statusCode,
            ["reason"] = reason,
        };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            using var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(payload, EdgeJsonContext.Api.JsonObject));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await _http.Client.PostAsync(definition.FailoverResolverUrl, content, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                Log.Declined(_logger, stream.Id, (int)response.StatusCode);
                return null;
            }

            using var answer = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(timeout.Token), default, timeout.Token);
            return answer.RootElement.ValueKind == JsonValueKind.Object
                && answer.RootElement.TryGetProperty("next_url", out var next)
                && next.ValueKind == JsonValueKind.String
                && UpstreamUrlValidator.Validate(next.GetString()) is null
                ? next.GetString()
                : null;
        }
        catch (Exception exception) when (exception is HttpRequestException or JsonException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Log.Failed(_logger, stream.Id, UrlMasking.MaskText(exception.Message));
            return null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(330, LogLevel.Warning, "Stream {StreamId}: failover resolver answered {Status}")]
        public static partial void Declined(ILogger logger, string streamId, int status);

        [LoggerMessage(331, LogLevel.Warning, "Stream {StreamId}: failover resolver failed: {Reason}")]
        public static partial void Failed(ILogger logger, string streamId, string reason);
    }
}
