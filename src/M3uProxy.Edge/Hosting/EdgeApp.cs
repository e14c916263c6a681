using System.Net;
using System.Runtime.CompilerServices;
using M3uProxy.Edge.Api;
using M3uProxy.Edge.Broadcast;
using M3uProxy.Edge.Configuration;
using M3uProxy.Edge.Coordination;
using M3uProxy.Edge.Events;
using M3uProxy.Edge.Failover;
using M3uProxy.Edge.FanOut;
using M3uProxy.Edge.Hls;
using M3uProxy.Edge.Http;
using M3uProxy.Edge.Lifecycle;
using M3uProxy.Edge.Metrics;
using M3uProxy.Edge.Monitoring;
using M3uProxy.Edge.Packaging;
using M3uProxy.Edge.Pages;
using M3uProxy.Edge.Playback;
using M3uProxy.Edge.Tools;
using M3uProxy.Edge.Transcoding;
using M3uProxy.Edge.Upstream;
using M3uProxy.Edge.Webhooks;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace M3uProxy.Edge.Hosting;

/// <summary>
/// Composes the proxy: Kestrel, logging, services, middleware and routes. <c>Program</c> and the
/// functional tests both build the app here, so tests run exactly what ships.
/// </summary>
internal static class EdgeApp
{
    // moreServices: tools beside the proxy that tests add (the build-time OpenAPI generator); never the binary's.
    public static WebApplication Build(SettingsLoadResult configuration, TimeProvider? timeProvider = null, UpstreamTlsPolicy? upstreamTls = null, Action<IServiceCollection>? moreServices = null)
    {
        var settings = configuration.Settings;
        // No configuration file is read, so nothing may watch the working directory for changes
        // (the default walks it recursively at start-up: from / that is the whole filesystem).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });

        // Settings were read and validated already; nothing else may reinterpret the environment.
        builder.Configuration.Sources.Clear();
        builder.WebHost.ConfigureKestrel(kestrel => ConfigureKestrel(kestrel, settings));
        var started = new StrongBox<bool>();
        ConfigureLogging(builder.Logging, settings, started);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownDrain.HostShutdownTimeout(settings));
        AddProxyServices(builder.Services, configuration, timeProvider ?? TimeProvider.System, upstreamTls);
        moreServices?.Invoke(builder.Services);

        var app = builder.Build();
        UsePipeline(app, settings);
        MapRoutes(app);

        // Listening starts now, so counters count from the start and not from the first scrape.
        app.Services.GetRequiredService<MetricsCollector>();
        var events = app.Services.GetRequiredService<EventBus>();
        app.Lifetime.ApplicationStopping.Register(app.Services.GetRequiredService<ShutdownDrain>().Begin);
        app.Lifetime.ApplicationStopped.Register(events.CompleteAll);
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            Volatile.Write(ref started.Value, true);
            StartupBanner.Write(app, configuration);
        });
        app.Services.StartTranscoding(app.Lifetime);
        return app;
    }

    private static void ConfigureKestrel(KestrelServerOptions kestrel, ProxySettings settings)
    {
        kestrel.AddServerHeader = false;
        // The app's own checks (413/414/431 with JSON) sit below these limits and answer first.
        kestrel.Limits.MaxRequestBodySize = settings.MaxRequestBodyBytes;
        kestrel.Limits.MaxRequestLineSize = (settings.MaxUrlLength * 2) + 1024;
        kestrel.Limits.MaxRequestHeadersTotalSize = settings.MaxRequestHeadersBytes * 2;
        kestrel.Limits.MaxRequestHeaderCount = 200;

        var host = settings.Host.Trim();
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            kestrel.ListenLocalhost(settings.Port);
        }
        else
        {
            kestrel.Listen(IPAddress.Parse(host), settings.Port);
        }
    }

    private static void ConfigureLogging(ILoggingBuilder logging, ProxySettings settings, StrongBox<bool> started)
    {
        logging.ClearProviders();
        if (settings.LogFormat == "json")
        {
            logging.AddJsonConsole(o =>
            {
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
            });
        }
        else
        {
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff ";
            });
        }

        var level = settings.EffectiveLogLevel;
        logging.SetMinimumLevel(level);
        // ASP.NET logs a line per request at Information: keep those out unless tracing.
        logging.AddFilter("Microsoft.AspNetCore", level <= LogLevel.Trace ? level : LogLevel.Warning > level ? LogLevel.Warning : level);
        // Its per-request lines carry full query strings (api_token=…), which no level may log.
        logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning > level ? LogLevel.Warning : level);
        // A start-up failure is told in one line by Program (StartupFailure), not as the host's stack trace.
        logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", l => l >= level && Volatile.Read(ref started.Value));
    }

    // One line per feature; each AddX() sits beside the feature's MapX().
    private static void AddProxyServices(IServiceCollection services, SettingsLoadResult configuration, TimeProvider time, UpstreamTlsPolicy? upstreamTls)
    {
        services.AddSingleton(time);
        // Kestrel's buffers from pools that give memory back after a burst (issue #14).
        services.AddSingleton<ReleasingBlockPools>();
        services.AddSingleton<IMemoryPoolFactory<byte>>(sp => sp.GetRequiredService<ReleasingBlockPools>());
        services.AddSingleton(sp => new DirectSendBuffers(sp.GetRequiredService<ReleasingBlockPools>().Create(DirectSendBuffers.BufferSize)));
        services.AddSingleton<IGaugeSet, ConnectionBufferGauges>();
        services.AddHostedService<IdleMemoryRelease>();
        services.AddSingleton(configuration);
        services.AddSingleton(configuration.Settings);
        services.AddPreparedLoggers();
        services.AddPreparedOptions();
        services.AddLifecycle();
        services.AddHttp();
        services.AddUpstream(upstreamTls);
        services.AddTools();
        services.AddTranscoding();
        services.AddCoordination(configuration.Settings);
        services.AddProxyMetrics();
        services.AddApi();
        services.AddFanOut();
        services.AddSingleton<IChannelSourceFactory, ChannelSourceChain>();
        services.AddFailover();
        services.AddMonitoring();
        services.AddPlayback();
        services.AddHls();
        services.AddPackaging();
        services.AddPages();
        // Last: hosted services stop in reverse order, so broadcasts end first and the webhook
        // queues drain after the rest has stopped.
        services.AddWebhooks();
        services.AddBroadcast();
        services.AddStartupBanner(configuration.Settings);
    }

    // Our middleware constructed here, not by UseMiddleware<T>, which finds and calls constructors
    // and InvokeAsync by reflection at start-up.
    private static void UsePipeline(WebApplication app, ProxySettings settings)
    {
        var services = app.Services;
        var errorLogger = services.GetRequiredService<ILogger<ErrorBodyMiddleware>>();
        app.Use(next => new ErrorBodyMiddleware(next, errorLogger).InvokeAsync);
        app.Use(next => new RequestLimitsMiddleware(next, settings).InvokeAsync);
        app.Use(next => new CorsMiddleware(next).InvokeAsync);
        app.Use(LivenessAnswer.Before(settings.RootPath));
        if (settings.RootPath.Length > 0)
        {
            // Strips ROOT_PATH when present, so every route answers with and without it (seed-spec §1.1).
            app.UsePathBase(settings.RootPath);
        }

        app.UseRouting();
        var tokens = services.GetRequiredService<ApiTokenValidator>();
        app.Use(next => new ApiTokenMiddleware(next, tokens).InvokeAsync);
        app.UseCoordination();
    }

    private static void MapRoutes(WebApplication app)
    {
        // Unauthenticated liveness for container health checks and load balancers: no details.
        // GET /livez itself is answered before routing (LivenessAnswer); the route documents it.
        app.Get(LivenessAnswer.Path, _ => Results.Text("ok"));
        app.MapDocsPages();

        var management = app.MapGroup("").WithMetadata(ManagementEndpoint.Instance);
        management.MapApi();
        management.MapFailoverEndpoints();
        management.MapTranscodeManagement();
        management.MapBroadcastManagementEndpoints();
        management.MapWebhookEndpoints();
        management.MapMetricsEndpoints();
        management.MapDashboardPage();

        app.MapPlaybackEndpoints();
        app.MapHlsEndpoints();
        app.MapBroadcastPlaybackEndpoints();
        app.MapTranscodePlayback();
        app.MapPackagingEndpoints();
        app.MapClusterRelay(); // these two: authenticated by the cluster secret, not the API token
        app.MapClusterFailover();
    }
}
