using HdrHistogram;

namespace M3uProxy.Edge.LoadTests.Measure;

/// <summary>Percentiles of a histogram recorded in microseconds, reported in milliseconds.</summary>
internal sealed record Percentiles(long Count, double P50Ms, double P90Ms, double P99Ms, double P999Ms, double MaxMs)
{
    public static Percentiles Of(HistogramBase histogram) => histogram.TotalCount == 0
        ? new Percentiles(0, 0, 0, 0, 0, 0)
        : new Percentiles(
            histogram.TotalCount,
            Ms(histogram.GetValueAtPercentile(50)),
            Ms(histogram.GetValueAtPercentile(90)),
            Ms(histogram.GetValueAtPercentile(99)),
            Ms(histogram.GetValueAtPercentile(99.9)),
            Ms(histogram.GetMaxValue()));

    private static double Ms(long micros) => Math.Round(micros / 1000.0, 2);
}
