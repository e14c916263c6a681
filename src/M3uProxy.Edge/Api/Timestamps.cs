using System.Globalization;

namespace M3uProxy.Edge.Api;

/// <summary>The reference's two timestamp forms (seed-spec §1.7).</summary>
internal static class Timestamps
{
    /// <summary>Stats: ISO-8601 UTC with microseconds and <c>+00:00</c>.</summary>
    public static string Aware(DateTimeOffset time)
        => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "+00:00";

    public static string? Aware(DateTimeOffset? time) => time is { } value ? Aware(value) : null;

    /// <summary>Events: ISO-8601 naive UTC with microseconds, no offset.</summary>
    public static string Naive(DateTimeOffset time)
        => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
}
