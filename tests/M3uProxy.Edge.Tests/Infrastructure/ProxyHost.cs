using System.Text.Json;
using System.Text.Json.Nodes;
using M3uProxy.Edge.Configuration;
using M3uProxy.Edge.Events;
using M3uProxy.Edge.Hosting;
using M3uProxy.Edge.Lifecycle;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace M3uProxy.Edge.Tests.Infrastructure;

/// <summary>
/// The real proxy (the same <see cref="EdgeApp"/> the binary runs) on Kestrel at 127.0.0.1:0,
/// configured from a dictionary instead of the process environment, with every event recorded.
/// </summary>
public sealed class ProxyHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly EventSubscription _events;

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    internal StreamLifecycle Lifecycle => Services.GetRequiredService<StreamLifecycle>();

    public static async Task<ProxyHost> StartAsync(IReadOnlyDictionary<string, string?>? settings = null, TimeProvider? time = null, System.Net.Security.RemoteCertificateValidationCallback? upstreamCertificates = null)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["HOST"] = "127.0.0.1",
            ["PORT"] = "0",
            ["LOG_LEVEL"] = "WARNING",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var load = SettingsLoader.Load(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        Assert.True(load.IsValid, string.Join("; ", load.Errors));
        var app = EdgeApp.Build(load, time, upstreamCertificates is null ? null : new M3uProxy.Edge.Upstream.UpstreamTlsPolicy(upstreamCertificates));
        var events = app.Services.GetRequiredService<EventBus>().Subscribe("test-recorder", 100_000);
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        // Listening on every address ([::] or 0.0.0.0): talk to it over IPv4 loopback.
        address = address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal);
        return new ProxyHost(app, events, new Uri(address.TrimEnd('/') + "/"));
    }

    private ProxyHost(WebApplication app, EventSubscription events, Uri baseAddress)
    {
        _app = app;
        _events = events;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Every event published so far, in order (drains the recorder).</summary>
    internal List<ProxyEvent> Events
    {
        get
        {
            while (_events.Reader.TryRead(out var proxyEvent))
            {
                _recorded.Add(proxyEvent);
            }

            return _recorded;
        }
    }

    private readonly List<ProxyEvent> _recorded = [];

    internal List<ProxyEvent> EventsOf(EventType type) => Events.Where(e => e.Type == type).ToList();

    /// <summary>POSTs <c>/streams</c> and returns the answer's JSON.</summary>
    public async Task<JsonObject> CreateStreamAsync(object body, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "streams") { Content = JsonContent.Create(body, body.GetType(), options: TestJson.Options) };
        if (token is not null)
        {
            request.Headers.Add("X-API-Token", token);
        }

        using var response = await Client.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public async Task<(int Status, JsonNode? Body, HttpResponseMessage Response)> SendAsync(HttpMethod method, string path, string? token = null, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }

        if (token is not null)
        {
            request.Headers.Add("X-API-Token", token);
        }

        var response = await Client.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        JsonNode? body = null;
        if (text.Length > 0 && response.Content.Headers.ContentType?.MediaType == "application/json")
        {
            body = JsonNode.Parse(text);
        }

        return ((int)response.StatusCode, body, response);
    }

    /// <summary>Creates a stream for <paramref name="url"/> and returns its <c>/stream/{id}</c> URL.</summary>
    public async Task<string> StreamUrlAsync(string url, object? extra = null)
    {
        var json = await CreateStreamAsync(extra is null ? new { url } : MergeUrl(url, extra));
        return new Uri(BaseAddress, "stream/" + (string?)json["stream_id"]).ToString();
    }

    private static Dictionary<string, object?> MergeUrl(string url, object extra)
    {
        var merged = JsonSerializer.SerializeToNode(extra, TestJson.Options)!.AsObject().ToDictionary(p => p.Key, p => (object?)p.Value);
        merged["url"] = url;
        return merged;
    }

    public Task<(int Status, JsonNode? Body, HttpResponseMessage Response)> GetAsync(string path, string? token = null)
        => SendAsync(HttpMethod.Get, path, token);

    public async Task StopAsync() => await _app.StopAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        _events.Dispose();
        await _app.DisposeAsync();
    }
}

public static class TestJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}
