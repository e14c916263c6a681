using System.Text.Json.Serialization;
using M3uProxy.Edge.Api;

namespace M3uProxy.Edge.Webhooks;

/// <summary>The <c>/webhooks</c> answers, source-generated with the API's options and chained after its context in <c>EdgeApp</c>.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, GenerationMode = JsonSourceGenerationMode.Metadata)] // as EdgeJsonContext
[JsonSerializable(typeof(WebhookAddedResponse))]
[JsonSerializable(typeof(WebhookListResponse))]
[JsonSerializable(typeof(WebhookTestResponse))]
[JsonSerializable(typeof(SharedWebhook))]
internal sealed partial class WebhookJsonContext : JsonSerializerContext
{
    public static WebhookJsonContext Webhooks { get; } = new(EdgeJsonContext.CreateOptions());
}
