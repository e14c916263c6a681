namespace M3uProxy.Edge.Webhooks;

/// <summary><c>POST /webhooks</c>'s answer.</summary>
internal sealed record WebhookAddedResponse(string Message, string WebhookUrl, IReadOnlyList<string> Events);

/// <summary>One entry of <c>GET /webhooks</c>: headers and secret stay hidden, as the reference hides headers.</summary>
internal sealed record WebhookInfo(string Url, IReadOnlyList<string> Events, int Timeout, int RetryAttempts);

internal sealed record WebhookListResponse(IReadOnlyList<WebhookInfo> Webhooks);

/// <summary><c>POST /webhooks/test</c>'s answer (the same whether or not the receiver took it).</summary>
internal sealed record WebhookTestResponse(string Message, string EventId);
