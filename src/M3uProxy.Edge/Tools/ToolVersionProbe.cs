namespace M3uProxy.Edge.Tools;

/// <summary>
/// Asks an external tool (<c>ffmpeg</c>, <c>streamlink</c>, <c>yt-dlp</c>) for its version the
/// first time it is needed, never at start-up and never blocking a thread, then remembers it.
/// </summary>
internal sealed class ToolVersionProbe
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(15); // lazy and off the hot path: generous on a loaded box
    private readonly Dictionary<string, Lazy<Task<string?>>> _versions = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <param name="tool">The program's path (from <see cref="ToolPaths"/>).</param>
    /// <param name="versionArgument">What makes it print its version (<c>-version</c>, <c>--version</c>).</param>
    public Task<string?> GetAsync(string tool, string versionArgument)
    {
        lock (_gate)
        {
            if (!_versions.TryGetValue(tool, out var version))
            {
                version = new Lazy<Task<string?>>(() => RunAsync(tool, versionArgument));
                _versions[tool] = version;
            }

            return version.Value;
        }
    }

    private static async Task<string?> RunAsync(string tool, string versionArgument)
    {
        var result = await ToolRunner.RunAsync(new ToolCommand(tool, [versionArgument]), ReadOnlyMemory<byte>.Empty, _timeout, CancellationToken.None);
        if (!result.Succeeded)
        {
            return null;
        }

        var firstLine = result.Stdout.AsSpan().TrimStart();
        var end = firstLine.IndexOfAny('\r', '\n');
        firstLine = (end < 0 ? firstLine : firstLine[..end]).Trim();
        return firstLine.IsEmpty ? null : firstLine.ToString();
    }
}
