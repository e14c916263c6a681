namespace M3uProxy.Edge.Tools.Ffmpeg;

/// <summary>What an ffmpeg stderr line says about the process (seed-spec §8.5's substring lists).</summary>
internal enum StderrVerdict
{
    Neutral,

    /// <summary>ffmpeg's input is broken; with <c>-i pipe:0</c> this is the bytes the proxy fed it.</summary>
    InputFailed,

    /// <summary>ffmpeg cannot write its output (disk full, permissions): restarting will not help.</summary>
    OutputFailed,
}

internal static class StderrClassifier
{
    private static readonly string[] _output =
    [
        "no space left on device", "permission denied", "i/o error", "disk full", "cannot write", "failed to open", "error writing",
    ];

    private static readonly string[] _input =
    [
        "error opening input", "failed to resolve hostname", "connection refused", "connection timed out", "input/output error",
        "server returned 4", "server returned 5", "invalid data found", "protocol not found", "end of file",
    ];

    public static StderrVerdict Classify(string line)
    {
        foreach (var pattern in _output)
        {
            if (line.Contains(pattern, StringComparison.OrdinalIgnoreCase))
            {
                return StderrVerdict.OutputFailed;
            }
        }

        foreach (var pattern in _input)
        {
            if (line.Contains(pattern, StringComparison.OrdinalIgnoreCase))
            {
                return StderrVerdict.InputFailed;
            }
        }

        return StderrVerdict.Neutral;
    }
}
