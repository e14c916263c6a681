using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace M3uProxy.Edge.Tests.Broadcast;

/// <summary>
/// What m3u-editor does in front of the proxy, on Kestrel at 127.0.0.1:0: serves
/// <c>/{id}/live.m3u8</c> with the bare <c>liveNNNNNN.ts</c> lines rewritten to its own segment
/// route, and relays those segments from the proxy, remembering which ones a player fetched.
/// <see cref="End"/> appends <c>#EXT-X-ENDLIST</c>, so a player reading the live playlist finishes.
/// </summary>
public sealed class PlaylistFront : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _segments = new();
    private volatile bool _ended;

    private PlaylistFront(WebApplication app) => _app = app;

    public string BaseAddress { get; private set; } = "";

    public IReadOnlyList<string> FetchedSegments => [.. _segments];

    public void End() => _ended = true;

    public static async Task<PlaylistFront> StartAsync(HttpClient proxy)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var front = new PlaylistFront(app);
        app.MapGet("/{id}/live.m3u8", async (string id, HttpContext context) =>
        {
            var text = await proxy.GetStringAsync($"broadcast/{id}/live.m3u8", context.RequestAborted);
            var lines = text.Split('\n').Select(l => l.Length > 0 && l[0] != '#' ? $"/{id}/segment/{l}" : l);
            var rewritten = string.Join('\n', lines).TrimEnd('\n') + "\n" + (front._ended ? "#EXT-X-ENDLIST\n" : "");
            return Results.Text(rewritten, "application/vnd.apple.mpegurl");
        });
        app.MapGet("/{id}/segment/{name}", async (string id, string name, HttpContext context) =>
        {
            front._segments.Enqueue(name);
            var bytes = await proxy.GetByteArrayAsync($"broadcast/{id}/segment/{name}", context.RequestAborted);
            return Results.Bytes(bytes, "video/MP2T");
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        front.BaseAddress = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return front;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
