using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace M3uProxy.Edge.Tests.Infrastructure;

/// <summary>A minimal loopback HTTP server for control-plane tests: <c>/up</c> answers 200, anything else 404.</summary>
public sealed class TinyOrigin : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _base;

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
        app.MapGet("/up", () => Results.Text("up"));
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TinyOrigin(app, address.TrimEnd('/'));
    }

    public string Url(string path) => _base + path;

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
