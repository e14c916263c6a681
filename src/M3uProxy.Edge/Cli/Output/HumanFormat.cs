using System.Globalization;
using M3uProxy.Edge.Upstream;

namespace M3uProxy.Edge.Cli.Output;

/// <summary>Numbers, times and URLs as people read them. Upstream URLs are masked as in the logs.</summary>
internal static class HumanFormat
{
    private static readonly string[] _byteUnits = ["B", "KiB", "MiB", "GiB", "TiB"];
    private static readonly string[] _bitRateUnits = ["bit/s", "kbit/s", "Mbit/s", "Gbit/s"];

    /// <summary><c>512 B</c>, <c>1.5 KiB</c>, <c>12.3 MiB</c>.</summary>
    public static string Bytes(long bytes) => Scaled(Math.Max(bytes, 0), 1024, _byteUnits);

    /// <summary>Media bandwidth in bits per second: <c>3.2 Mbit/s</c>.</summary>
    public static string BitRate(double bytesPerSecond) => Scaled(Math.Max(bytesPerSecond, 0) * 8, 1000, _bitRateUnits);

    /// <summary><c>42s</c>, <c>2m 05s</c>, <c>1h 02m 03s</c>, <c>3d 04h 05m</c>.</summary>
    public static string Duration(long seconds)
    {
        var time = TimeSpan.FromSeconds(Math.Max(seconds, 0));
        return time.TotalDays >= 1 ? Invariant($"{(int)time.TotalDays}d {time.Hours:00}h {time.Minutes:00}m")
            : time.TotalHours >= 1 ? Invariant($"{time.Hours}h {time.Minutes:00}m {time.Seconds:00}s")
            : time.TotalMinutes >= 1 ? Invariant($"{time.Minutes}m {time.Seconds:00}s")
            : Invariant($"{time.Seconds}s");
    }

    /// <summary>The server's ISO-8601 time as <c>2026-11-29 17:40:00</c> (UTC); anything else as given.</summary>
    public static string Timestamp(string? iso)
        => iso is null ? "-"
            : TryParseTime(iso, out var time) ? time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
            : iso;

    public static bool TryParseTime(string? iso, out DateTimeOffset time)
        => DateTimeOffset.TryParse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time);

    /// <summary>An upstream URL with its credentials hidden (<see cref="UrlMasking"/>).</summary>
    public static string Url(string? url) => string.IsNullOrEmpty(url) ? "-" : UrlMasking.Mask(url);

    /// <summary>Cuts a long cell to <paramref name="width"/> characters, ending in <c>…</c>.</summary>
    public static string Shorten(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";

    /// <summary><c>k=v, k=v</c>, or <c>-</c> when empty.</summary>
    public static string Pairs(IReadOnlyDictionary<string, string>? pairs)
        => pairs is null || pairs.Count == 0 ? "-" : string.Join(", ", pairs.Select(pair => $"{pair.Key}={pair.Value}"));

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Scaled(double value, double step, string[] units)
    {
        var unit = 0;
        while (value >= step && unit < units.Length - 1)
        {
            value /= step;
            unit++;
        }

        return unit == 0 ? Invariant($"{value:0} {units[0]}") : Invariant($"{value:0.0} {units[unit]}");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
