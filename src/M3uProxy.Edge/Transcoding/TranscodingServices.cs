using M3uProxy.Edge.Configuration;
using M3uProxy.Edge.Tools;
using M3uProxy.Edge.Transcoding.Resolvers;

namespace M3uProxy.Edge.Transcoding;

/// <summary>Registration of the transcoding services and routes.</summary>
internal static class TranscodingServices
{
    public static IServiceCollection AddTranscoding(this IServiceCollection services)
    {
        services.AddSingleton(sp => TranscodingOptions.From(sp.GetRequiredService<ProxySettings>()));
        services.AddSingleton<HardwareState>();
        services.AddSingleton<TranscodeSessions>();
        services.AddSingleton<ResolverTools>();
        services.AddSingleton<TranscodingSources>();
        services.AddSingleton<TranscodeService>();
        services.AddSingleton<TranscodedHlsOutput>();
        services.AddSingleton<Api.ITranscodingStatus, TranscodingStatus>();
        return services;
    }

    /// <summary>Management routes (<c>/transcode…</c>).</summary>
    public static IEndpointRouteBuilder MapTranscodeManagement(this IEndpointRouteBuilder routes) => routes.MapTranscodeEndpoints();

    /// <summary>Playback routes (the HLS output's segments).</summary>
    public static IEndpointRouteBuilder MapTranscodePlayback(this IEndpointRouteBuilder routes) => TranscodedHlsOutput.MapTranscodedHlsFiles(routes);

    /// <summary>At start-up: clean a crashed run's leftovers (the ledger does it when created) and start the hardware probe.</summary>
    public static void StartTranscoding(this IServiceProvider services, IHostApplicationLifetime lifetime)
    {
        var ledger = services.GetRequiredService<ProcessLedger>();
        // Once listening: the probe (device nodes, maybe an ffmpeg run) is not on the way to healthy.
        var hardware = services.GetRequiredService<HardwareState>();
        lifetime.ApplicationStarted.Register(hardware.Start);
        lifetime.ApplicationStopped.Register(ledger.DeleteRun);
    }
}
