using System.Text.Json.Nodes;
using M3uProxy.Edge.Api;
using M3uProxy.Edge.Configuration;
using M3uProxy.Edge.Events;
using M3uProxy.Edge.Metrics;
using Microsoft.AspNetCore.Http.HttpResults;

namespace M3uProxy.Edge.Webhooks;

/// <summary><c>/webhooks</c> (seed-spec §11.4): add, list, remove, and send a test event.</summary>
internal static class WebhookEndpoints
{
    private const string TestStreamId = "test_stream_123";

    /// <summary>Delivery, the registry (a hosted service that drains the queues at shutdown), the gauges and the JSON context.</summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, WebhookJsonContext.Webhooks));
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<WebhookRegistry>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookRegistry>());
        services.AddSingleton<IGaugeSet, WebhookGauges>();
        services.AddSingleton<WebhookSync>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookSync>());
        return services;
    }

    public static IEndpointRouteBuilder MapWebhookEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.Post("/webhooks", AddAsync);
        routes.Get("/webhooks", context => TypedResults.Json(
            new WebhookListResponse([.. context.Service<WebhookRegistry>().Snapshot().Select(w => w.Config).Select(c => new WebhookInfo(c.Url, Wire(c.Events), c.TimeoutSeconds, c.RetryAttempts))]),
            WebhookJsonContext.Webhooks.WebhookListResponse));
        routes.Delete("/webhooks", async context =>
        {
            if (QueryUrl(context) is not { } url)
            {
                return MissingWebhookUrl();
            }

            var normalized = WebhookUrl.Normalize(url) ?? url;
            if (!context.Service<WebhookRegistry>().Remove(normalized))
            {
                return ApiResults.Detail(StatusCodes.Status404NotFound, "Webhook not found");
            }

            await context.Service<WebhookSync>().RemovedAsync(normalized, context.RequestAborted);
            return ApiResults.Message($"Webhook {url} removed successfully");
        });
        routes.Post("/webhooks/test", TestAsync);
        return routes;
    }

    private static Task<IResult> AddAsync(HttpContext context)
    {
        var settings = context.Service<ProxySettings>();
        return RequestBody.HandleJsonAsync(context, settings.MaxRequestBodyBytes, body => WebhookRequest.Read(body, settings.WebhookSecret), async config =>
        {
            context.Service<WebhookRegistry>().AddOrUpdate(config);
            await context.Service<WebhookSync>().AddedAsync(config, context.RequestAborted); // registered for the whole cluster
            return (IResult)Added(config);
        });
    }

    private static JsonHttpResult<WebhookAddedResponse> Added(WebhookConfig config)
    {
        return TypedResults.Json(
            new WebhookAddedResponse("Webhook added successfully", config.Url, Wire(config.Events)),
            WebhookJsonContext.Webhooks.WebhookAddedResponse);
    }

    // Synchronous like the reference: the answer comes after the delivery (and its retries) ended,
    // and says the same whether or not the receiver took it.
    private static async Task<IResult> TestAsync(HttpContext context)
    {
        var webhooks = context.Service<WebhookRegistry>();
        if (QueryUrl(context) is not { } url)
        {
            return MissingWebhookUrl();
        }

        if (webhooks.Get(WebhookUrl.Normalize(url) ?? url) is not { } config)
        {
            return ApiResults.Detail(StatusCodes.Status404NotFound, "Webhook not found");
        }

        var test = new ProxyEvent(Guid.NewGuid(), EventType.StreamStarted, TestStreamId, context.Service<TimeProvider>().GetUtcNow(), new JsonObject
        {
            ["test"] = true,
            ["message"] = "This is a test webhook event",
            ["primary_url"] = "http://example.com/test.m3u8",
        });
        await webhooks.SendNowAsync(config, test, context.RequestAborted);
        return TypedResults.Json(new WebhookTestResponse($"Test event sent to {url}", test.EventId.ToString("D")), WebhookJsonContext.Webhooks.WebhookTestResponse);
    }

    private static string? QueryUrl(HttpContext context)
        => context.Request.Query.TryGetValue("webhook_url", out var values) && values.Count > 0 ? values[^1] : null;

    // FastAPI's answer for a missing required query parameter.
    private static IResult MissingWebhookUrl()
        => ApiResults.Validation(new Api.Models.ValidationError("missing", new JsonArray("query", "webhook_url"), "Field required", null));

    private static List<string> Wire(IReadOnlyList<EventType> events) => [.. events.Select(e => e.ToWire())];
}
