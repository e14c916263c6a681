namespace M3uProxy.Edge.Broadcast;

/// <summary>
/// ffmpeg stderr lines that mean the programme's source is unusable (seed-spec §13.2): the broadcast
/// has failed and will not heal by waiting. One addition to the reference's list: <c>HTTP error 4xx/5xx</c>,
/// which is all ffmpeg prints when a reconnect after a cut is refused (it then exits with 0).
/// </summary>
internal static class InputErrors
{
    private static readonly string[] _patterns =
    [
        "error opening input", "failed to resolve hostname", "connection refused", "connection timed out",
        "server returned 4", "server returned 5", "invalid data found", "no such file or directory", "protocol not found",
        // ffmpeg's reconnect prints only these when the source answers an error status after a cut (the reference misses them).
        "http error 4", "http error 5",
    ];

    public static bool IsInputError(string line)
        => !line.Contains("failed to delete old segment", StringComparison.OrdinalIgnoreCase)
            && _patterns.Any(pattern => line.Contains(pattern, StringComparison.OrdinalIgnoreCase));
}
