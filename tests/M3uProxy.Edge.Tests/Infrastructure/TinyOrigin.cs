using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace M3uProxy.Edge.Tests.Infrastructure;

/// <summary>
/// A minimal loopback HTTP server for control-plane calls (connection tests, the failover resolver):
/// <c>/up</c> answers 200, paths given to <see cref="Answer"/> answer that JSON, anything else 404.
/// Request bodies are recorded per path.
/// </summary>
public sealed class TinyOrigin : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _base;
    private readonly ConcurrentDictionary<string, (int Status, string Json)> _answers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _bodies = new(StringComparer.Ordinal);

    private TinyOrigin(WebApplication app, string baseAddress)
    {
        _app = app;
        _base = baseAddress;
    }

    public static async Task<TinyOrigin> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        TinyOrigin? origin = null;
        app.MapGet("/up", () => Results.Text("up"));
        app.Map("/{**path}", async (HttpContext context) =>
        {
            var path = context.Request.Path.Value ?? "";
            using var reader = new StreamReader(context.Request.Body);
            origin!._bodies.GetOrAdd(path, _ => new ConcurrentQueue<string>()).Enqueue(await reader.ReadToEndAsync());
            if (!origin._answers.TryGetValue(path, out var answer))
            {
                return Results.NotFound();
            }

            return Results.Text(answer.Json, "application/json", statusCode: answer.Status);
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        origin = new TinyOrigin(app, address.TrimEnd('/'));
        return origin;
    }

    public string Url(string path) => _base + path;

    public void Answer(string path, string json, int status = 200) => _answers[path] = (status, json);

    public IReadOnlyList<string> Bodies(string path) => _bodies.TryGetValue(path, out var bodies) ? [.. bodies] : [];

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
