using System.Diagnostics;
using HdrHistogram;

namespace M3uProxy.Edge.LoadTests.Measure;

/// <summary>
/// What one simulated client saw. Written only by that client's task; the totals are read by the
/// step runner at the window's edges (hence the Interlocked/Volatile accesses on the counters).
/// </summary>
internal sealed class ClientMeter
{
    /// <summary>
    /// Up to 60 s in microseconds, 2 significant digits (1 % resolution): ~10 KB per histogram, so
    /// that 1000 clients' histograms stay small enough not to cause GC pauses in the generator.
    /// </summary>
    public const long HighestMicros = 60_000_000;

    public const int SignificantDigits = 2;

    private readonly long _stallTicks;
    private long _bytes;
    private long _stalls;

    public ClientMeter(TimeSpan stallThreshold)
    {
        _stallTicks = (long)(stallThreshold.TotalSeconds * Stopwatch.Frequency);
    }

    /// <summary>Request sent → first body byte.</summary>
    public IntHistogram TimeToFirstByte { get; } = new(HighestMicros, SignificantDigits);

    /// <summary>Time between two consecutive reads that returned data, within one response.</summary>
    public IntHistogram ReadGaps { get; } = new(HighestMicros, SignificantDigits);

    public long Bytes => Volatile.Read(ref _bytes);

    public long Stalls => Volatile.Read(ref _stalls);

    public int Requests { get; private set; }

    /// <summary>Responses that ended by themselves before the client meant to stop.</summary>
    public int Drops { get; private set; }

    public Dictionary<string, int> Errors { get; } = [];

    public void RequestSent() => Requests++;

    public void FirstByte(long elapsedTicks) => TimeToFirstByte.RecordValue(Math.Min(Micros(elapsedTicks), HighestMicros));

    public void Read(int count, long gapTicks)
    {
        Interlocked.Add(ref _bytes, count);
        if (gapTicks < 0)
        {
            return;
        }

        ReadGaps.RecordValue(Math.Min(Micros(gapTicks), HighestMicros));
        if (gapTicks >= _stallTicks)
        {
            Interlocked.Increment(ref _stalls);
        }
    }

    public void Dropped() => Drops++;

    public void Failed(string kind) => Errors[kind] = Errors.GetValueOrDefault(kind) + 1;

    private static long Micros(long ticks) => Math.Max(1, ticks * 1_000_000 / Stopwatch.Frequency);
}
