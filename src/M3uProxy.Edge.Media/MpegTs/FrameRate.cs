using System.Globalization;

namespace M3uProxy.Edge.Media.MpegTs;

/// <summary>Small number formats the media info shares.</summary>
internal static class FrameRate
{
    /// <summary>Two decimals: 25, 29.97, 59.94.</summary>
    public static double Round(double fps) => Math.Round(fps, 2);

    /// <summary><paramref name="value"/> / <paramref name="divisor"/> with one decimal ("3.1", "4.0"), as levels are written.</summary>
    public static string Decimal(int value, int divisor)
        => (value / (double)divisor).ToString("0.0", CultureInfo.InvariantCulture);
}
