using M3uProxy.Edge.Tools;

namespace M3uProxy.Edge.Transcoding.Resolvers;

/// <summary>Whether streamlink / yt-dlp can run here (<c>--version</c>, off the request thread; a success is remembered for a minute).</summary>
internal sealed class ResolverTools(ToolPaths paths)
{
    private static readonly TimeSpan _remember = TimeSpan.FromMinutes(1);
    private readonly Dictionary<string, DateTime> _workedAt = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public string PathOf(ResolverTool tool) => tool.IsStreamlink ? paths.Streamlink : paths.YtDlp;

    public async Task<bool> IsAvailableAsync(ResolverTool tool, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_workedAt.TryGetValue(tool.Name, out var at) && DateTime.UtcNow - at < _remember)
            {
                return true;
            }
        }

        var result = await ToolRunner.RunAsync(new ToolCommand(PathOf(tool), ["--version"]), default, TimeSpan.FromSeconds(15), cancellationToken);
        var works = !result.NotFound && !result.TimedOut && result.ExitCode == 0;
        if (works)
        {
            lock (_gate)
            {
                _workedAt[tool.Name] = DateTime.UtcNow;
            }
        }

        return works;
    }
}
