using System.Runtime.InteropServices;
using M3uProxy.Edge.Configuration;
using M3uProxy.Edge.Tools;

namespace M3uProxy.Edge.Metrics;

/// <summary>
/// The series every Prometheus client library exports and every Grafana board expects:
/// <c>process_*</c> (CPU, memory, descriptors, threads, start time) and a <c>build_info</c> gauge
/// labelled with the version. The runtime's own <c>System.Runtime</c> meter (GC, thread pool,
/// exceptions) is listened to beside them by <see cref="MetricsCollector"/>.
/// </summary>
internal sealed class ProcessGauges : IGaugeSet
{
    public ProcessGauges(ProxyMetrics metrics)
    {
        var meter = metrics.Meter;
        meter.CreateObservableGauge(
            "m3u_proxy.build_info",
            () => new System.Diagnostics.Metrics.Measurement<int>(1, [new("version", ProxyVersion.Build), new("api_version", ProxyVersion.Api), new("runtime", RuntimeInformation.FrameworkDescription)]),
            description: "Always 1; the labels say which build runs (version as --version prints it, the reference API level, the .NET runtime).");
        meter.CreateObservableCounter("process.cpu", CurrentProcess.CpuSeconds, "s", "User and system CPU time spent by the process.");
        meter.CreateObservableGauge("process.resident_memory", CurrentProcess.ResidentBytes, "By", "Resident memory of the process.");
        meter.CreateObservableGauge("process.virtual_memory", CurrentProcess.VirtualBytes, "By", "Virtual memory of the process.");
        meter.CreateObservableGauge("process.threads", CurrentProcess.Threads, description: "Operating-system threads of the process.");
        meter.CreateObservableGauge("process.open_fds", OpenFileDescriptors, description: "Open file descriptors (sockets included).");
        var started = CurrentProcess.StartUnixSeconds();
        meter.CreateObservableGauge("process.start_time", () => started, "s", "Start time of the process, in seconds since the Unix epoch.");
    }

    private static IEnumerable<System.Diagnostics.Metrics.Measurement<int>> OpenFileDescriptors()
    {
        // Linux only; elsewhere the series is simply absent.
        if (!Directory.Exists("/proc/self/fd"))
        {
            yield break;
        }

        yield return new(Directory.EnumerateFileSystemEntries("/proc/self/fd").Count());
    }
}
