using M3uProxy.Edge.Api.Models;
using M3uProxy.Edge.Configuration;
using M3uProxy.Edge.Coordination;
using M3uProxy.Edge.Metrics;
using M3uProxy.Edge.Tools;
using M3uProxy.Edge.Upstream;

namespace M3uProxy.Edge.Api;

/// <summary><c>/</c>, <c>/health</c>, <c>/info</c> and <c>/test-connection</c> (seed-spec §2.2, §2.7).</summary>
internal static class ServiceEndpoints
{
    private static readonly TimeSpan _testConnectionTimeout = TimeSpan.FromSeconds(5);

    public static IEndpointRouteBuilder MapServiceEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.Get("/", context =>
            TypedResults.Json(new RootResponse("running", "m3u proxy is running", ProxyVersion.Api, context.Service<Uptime>().Seconds, context.Service<StatsBuilder>().Proxy()), EdgeJsonContext.Api.RootResponse));
        routes.Get("/health", context =>
        {
            var proxy = context.Service<StatsBuilder>().Proxy();
            var state = context.Service<IClusterStatus>().Current;
            return TypedResults.Json(
                new HealthResponse("healthy", context.Service<ProxySettings>().RootPath, ProxyVersion.Api, proxy.UptimeSeconds, proxy.ActiveStreams, proxy.ActiveClients, proxy.TotalBytesServed, proxy,
                    new ClusterHealth(state.RedisEnabled, state.RedisConnected, state.WorkerId, state.Instances)),
                EdgeJsonContext.Api.HealthResponse);
        });
        routes.Get("/info", InfoAsync);
        routes.Post("/test-connection", TestConnectionAsync);
        return routes;
    }

    private static async Task<IResult> InfoAsync(HttpContext context)
    {
        var settings = context.Service<ProxySettings>();
        var tools = context.Service<ToolVersionProbe>();
        var paths = context.Service<ToolPaths>();
        var cluster = context.Service<IClusterStatus>();
        var (hardware, transcodingInfo) = await context.Service<ITranscodingStatus>().InfoAsync(context.RequestAborted);
        var ffmpeg = tools.GetAsync(paths.Ffmpeg, "-version");
        var streamlink = settings.StreamlinkEnabled ? tools.GetAsync(paths.Streamlink, "--version") : Task.FromResult<string?>(null);
        var ytdlp = settings.YtdlpEnabled ? tools.GetAsync(paths.YtDlp, "--version") : Task.FromResult<string?>(null);

        var redis = settings.RedisEnabled
            ? new RedisInfo(true, false, settings.RedisHost, settings.RedisPort, settings.RedisPassword.Length > 0 ? "***" : null, settings.RedisDb, null, null, null, cluster.Current.RedisConnected)
            : new RedisInfo(false, false, null, null, null, null, null, null, null, false);
        var workerId = cluster.Current.WorkerId;

        return TypedResults.Json(
            new InfoResponse(
                Version: ProxyVersion.Api,
                Server: ProxyVersion.Server,
                FfmpegVersion: await ffmpeg,
                StreamlinkVersion: await streamlink,
                YtdlpVersion: await ytdlp,
                HardwareAcceleration: hardware,
                Redis: redis,
                Transcoding: transcodingInfo,
                Configuration: new ConfigurationInfo(settings.DefaultUserAgent, settings.ClientTimeoutSeconds, settings.StreamTimeoutSeconds, settings.CleanupIntervalSeconds, settings.DefaultMaxRetries),
                Worker: new WorkerInfo(workerId, settings.HeartbeatIntervalSeconds, settings.WorkerId.Length > 0),
                Settings: VisibleSettings(context.Service<SettingsLoadResult>())),
            EdgeJsonContext.Api.InfoResponse);
    }

    // Every effective setting; a secret shows only whether it is set.
    private static SortedDictionary<string, string?> VisibleSettings(SettingsLoadResult configuration)
    {
        var visible = new SortedDictionary<string, string?>(StringComparer.Ordinal);
        foreach (var setting in SettingsCatalog.All)
        {
            var value = configuration.Effective[setting.Name];
            visible[setting.Name] = setting.IsSecret ? (string.IsNullOrEmpty(value) ? null : "***") : value;
        }

        return visible;
    }

    private static Task<IResult> TestConnectionAsync(HttpContext context)
        => RequestBody.HandleJsonAsync(context, context.Service<ProxySettings>().MaxRequestBodyBytes, body => body.RequiredUrl("url"), original => ProbeAsync(context, context.Service<ControlHttpClient>(), original));

    private static async Task<IResult> ProbeAsync(HttpContext context, ControlHttpClient http, string original)
    {
        var url = original.TrimEnd('/');
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(_testConnectionTimeout);
        TestConnectionResponse answer;
        try
        {
            using var response = await http.Client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            answer = status == 200
                ? new TestConnectionResponse(true, $"Successfully connected to {url}", status, null, url)
                : new TestConnectionResponse(false, "URL returned non-200 status code", status, null, url);
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            answer = new TestConnectionResponse(false, $"Connection timed out after {_testConnectionTimeout.TotalSeconds:0} seconds", null, "timeout", url);
        }
        catch (HttpRequestException exception)
        {
            answer = new TestConnectionResponse(false, $"Connection failed: Unable to connect to {original}", null, exception.Message, url);
        }

        return TypedResults.Json(answer, EdgeJsonContext.Api.TestConnectionResponse);
    }
}
