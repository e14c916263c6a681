using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace M3uProxy.Edge.Tests.Infrastructure;

/// <summary>One delivery as a receiver saw it: headers, the raw body, and the body parsed.</summary>
public sealed record ReceivedWebhook(string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public JsonObject Json => JsonNode.Parse(Body)!.AsObject();

    public string EventType => (string)Json["event_type"]!;

    public string EventId => (string)Json["event_id"]!;
}

/// <summary>
/// A real webhook receiver on Kestrel at 127.0.0.1:0. Every path records what it receives; a path
/// can be told to answer a sequence of statuses first (then 200), or to hang until released.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _base;
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<int>> _statuses = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _hangs = new(StringComparer.Ordinal);

    private WebhookReceiver(WebApplication app, string baseAddress)
    {
        _app = app;
        _base = baseAddress;
    }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        WebhookReceiver? receiver = null;
        app.MapPost("/{**path}", async (HttpContext context) =>
        {
            var path = context.Request.Path.Value ?? "";
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            receiver!._received.Enqueue(new ReceivedWebhook(path, headers, body.ToArray()));
            if (receiver._hangs.TryGetValue(path, out var hang))
            {
                await hang.Task.WaitAsync(context.RequestAborted);
            }

            if (receiver._statuses.TryGetValue(path, out var statuses) && statuses.TryDequeue(out var status))
            {
                return Results.StatusCode(status);
            }

            return Results.Ok();
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver = new WebhookReceiver(app, address.TrimEnd('/'));
        return receiver;
    }

    public string Url(string path) => _base + path;

    /// <summary>The next requests to <paramref name="path"/> get these statuses, in order; later ones 200.</summary>
    public void FailWith(string path, params int[] statuses) => _statuses[path] = new ConcurrentQueue<int>(statuses);

    /// <summary>Requests to <paramref name="path"/> get no answer until <see cref="Release"/>.</summary>
    public void Hang(string path) => _hangs[path] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release(string path)
    {
        if (_hangs.TryRemove(path, out var hang))
        {
            hang.TrySetResult();
        }
    }

    public IReadOnlyList<ReceivedWebhook> Received(string path) => [.. _received.Where(r => r.Path == path)];

    public async Task<IReadOnlyList<ReceivedWebhook>> WaitForAsync(string path, Func<IReadOnlyList<ReceivedWebhook>, bool> condition, int timeoutSeconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            var received = Received(path);
            if (condition(received))
            {
                return received;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{path}: condition not met; received {received.Count}: {string.Join(", ", received.Select(r => r.EventType))}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var path in _hangs.Keys.ToList())
        {
            Release(path);
        }

        await _app.DisposeAsync();
    }
}
