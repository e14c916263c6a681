using System.Diagnostics;

namespace M3uProxy.Edge.Tools;

/// <summary>Figures of this process itself (CPU, memory, threads): <see cref="Process"/> stays in <c>Tools/</c>, where every other use of it is.</summary>
internal static class CurrentProcess
{
    public static double CpuSeconds() => Read(p => p.TotalProcessorTime.TotalSeconds);

    public static double ResidentBytes() => Read(p => p.WorkingSet64);

    public static double VirtualBytes() => Read(p => p.VirtualMemorySize64);

    public static double Threads() => Read(p => p.Threads.Count);

    public static double StartUnixSeconds() => Read(p => new DateTimeOffset(p.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds() / 1000.0);

    private static double Read(Func<Process, double> read)
    {
        using var process = Process.GetCurrentProcess();
        return read(process);
    }
}
