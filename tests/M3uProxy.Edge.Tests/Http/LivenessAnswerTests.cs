using System.Collections.Concurrent;
using M3uProxy.Edge.Configuration;
using M3uProxy.Edge.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace M3uProxy.Edge.Tests.Http;

/// <summary>
/// <c>GET /livez</c> is answered before routing (so the first probe after start-up does not wait for
/// the route table to be built) with exactly the mapped route's answer, and counted under its route.
/// </summary>
public sealed class LivenessAnswerTests
{
    [Fact]
    public async Task Livez_IsAnsweredBeforeRouting_AsTheMappedRouteAnswers()
    {
        var endpoints = new ConcurrentDictionary<string, string>();
        var load = SettingsLoader.Load(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["HOST"] = "127.0.0.1",
            ["PORT"] = "0",
            ["LOG_LEVEL"] = "WARNING",
        }).Build());
        await using var app = EdgeApp.Build(load, moreServices: services => services.AddSingleton<IStartupFilter>(new EndpointRecorder(endpoints)));
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var client = new HttpClient { BaseAddress = new Uri(address.TrimEnd('/') + "/") };

        // The first request of the process: before, it built every endpoint and the matcher.
        using var direct = await client.GetAsync("livez", TestContext.Current.CancellationToken);
        using var underRoot = await client.GetAsync("m3u-proxy/LIVEZ", TestContext.Current.CancellationToken);
        // A trailing slash is left to routing, which answers it from MapGet("/livez").
        using var routed = await client.GetAsync("livez/", TestContext.Current.CancellationToken);

        foreach (var response in new[] { direct, underRoot, routed })
        {
            Assert.Equal(200, (int)response.StatusCode);
            Assert.Equal("ok", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType?.ToString());
            Assert.Equal(2, response.Content.Headers.ContentLength);
            Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        }

        Assert.Equal("none", endpoints["/livez"]);
        Assert.Equal("none", endpoints["/m3u-proxy/LIVEZ"]);
        Assert.Equal("/livez", endpoints["/livez/"]);

        // Both are counted under the route's label (the duration is recorded once the response has gone).
        var counted = false;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!counted && DateTime.UtcNow < deadline)
        {
            using var scrape = await client.GetAsync("metrics", TestContext.Current.CancellationToken);
            var text = await scrape.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            counted = System.Text.RegularExpressions.Regex.IsMatch(text, @"http_server_request_duration_seconds_count\{[^}]*http_route=""/livez""[^}]*\} 3");
            await Task.Delay(counted ? 0 : 50, TestContext.Current.CancellationToken);
        }

        Assert.True(counted, "GET /livez, /m3u-proxy/LIVEZ and /livez/ were not all counted under http_route=\"/livez\"");
    }

    /// <summary>
    /// Wraps the whole pipeline and records, per path, the endpoint routing chose (or none) as the
    /// response starts: Kestrel sends on the writing thread, so the client can hold the whole answer
    /// before the pipeline returns.
    /// </summary>
    private sealed class EndpointRecorder(ConcurrentDictionary<string, string> endpoints) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, inner) =>
            {
                var path = context.Request.Path.Value ?? "";
                context.Response.OnStarting(() =>
                {
                    endpoints[path] = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "none";
                    return Task.CompletedTask;
                });
                return inner(context);
            });
            next(app);
        };
    }
}
