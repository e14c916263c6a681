using M3uProxy.Edge.FanOut;
using M3uProxy.Edge.Streams;
using M3uProxy.Edge.Tools;

namespace M3uProxy.Edge.Transcoding.Resolvers;

/// <summary>
/// A live channel's source from streamlink or yt-dlp writing the stream to stdout (seed-spec §8.7),
/// fanned out like any other channel. The stream's user agent and headers are passed
/// (<c>--http-header</c> / <c>--add-header</c>; the reference passes none); cookies go to a private
/// temp file (yt-dlp) or <c>--http-cookie</c> (streamlink has no cookie file option), removed at the
/// end. A tool that exits is restarted a few times a minute, then the stream fails.
/// </summary>
internal sealed partial class ResolverChannelSource : IChannelSource
{
    private static readonly TimeSpan _restartWindow = TimeSpan.FromMinutes(1);
    private readonly StreamRecord _stream;
    private readonly ResolverSpec _spec;
    private readonly ResolverTools _tools;
    private readonly ProcessLedger _ledger;
    private readonly TranscodingOptions _options;
    private readonly Action<string, Exception?> _failed;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Queue<DateTimeOffset> _starts = new();
    private ToolProcess? _process;
    private string? _cookieFile;

    public ResolverChannelSource(StreamRecord stream, ResolverSpec spec, ResolverTools tools, ProcessLedger ledger, TranscodingOptions options, Action<string, Exception?> failed, TimeProvider time, ILogger logger)
    {
        _time = time;
        _stream = stream;
        _spec = spec;
        _tools = tools;
        _ledger = ledger;
        _options = options;
        _failed = failed;
        _logger = logger;
    }

    public Exception? LastError { get; private set; }

    public async ValueTask<IByteSource?> OpenNextAsync(SourceStop? previous, CancellationToken cancellationToken)
    {
        if (_process is { } old)
        {
            var tail = string.Join(" | ", old.StderrTail().TakeLast(3));
            await old.DisposeAsync();
            _process = null;
            LastError = new IOException($"{ResolverTool.For(_spec.Resolver).Binary} exited: {tail}");
        }

        var now = _time.GetUtcNow();
        while (_starts.Count > 0 && now - _starts.Peek() > _restartWindow)
        {
            _starts.Dequeue();
        }

        if (_starts.Count > _options.MaxRestartsPerMinute)
        {
            Log.GaveUp(_logger, _stream.Id, _spec.Resolver, LastError?.Message);
            _failed("resolver_failed", LastError);
            return null;
        }

        _starts.Enqueue(now);
        var tool = ResolverTool.For(_spec.Resolver);
        var process = ToolProcess.Start(new ToolCommand(_tools.PathOf(tool), Arguments(tool)) { RedirectStdout = true, StderrTailLines = 32 });
        _ledger.Track(process);
        _process = process;
        Log.Started(_logger, _stream.Id, tool.Binary, process.Id);
        return new StdoutSource(process, tool.Binary);
    }

    public void Dispose()
    {
        var process = _process;
        var cookies = _cookieFile;
        _ = Task.Run(async () =>
        {
            if (process is not null)
            {
                await process.StopAsync(TimeSpan.FromSeconds(2));
                await process.DisposeAsync();
            }

            if (cookies is not null)
            {
                File.Delete(cookies);
            }
        });
    }

    private List<string> Arguments(ResolverTool tool)
    {
        var definition = _stream.Definition;
        var arguments = new List<string> { definition.Url };
        if (tool.IsStreamlink)
        {
            arguments.AddRange(_spec.Arguments);
            arguments.Add("--stdout");
            arguments.AddRange(["--http-header", "User-Agent=" + definition.UserAgent]);
            foreach (var (name, value) in definition.Headers)
            {
                arguments.AddRange(["--http-header", $"{name}={value}"]);
            }

            foreach (var cookie in CookieLines(_spec.Cookies))
            {
                arguments.AddRange(["--http-cookie", cookie]);
            }
        }
        else
        {
            var args = _spec.Arguments;
            if (args.Count > 0 && !args[0].StartsWith('-'))
            {
                arguments.AddRange(["-f", args[0]]);
                args = args.Skip(1).ToList();
            }

            arguments.AddRange(args);
            arguments.AddRange(["--ignore-config", "--no-part", "--quiet", "--no-warnings", "-o", "-"]);
            arguments.AddRange(["--user-agent", definition.UserAgent]);
            foreach (var (name, value) in definition.Headers)
            {
                arguments.AddRange(["--add-header", $"{name}:{value}"]);
            }

            if (_spec.Cookies is { Length: > 0 } cookies)
            {
                _cookieFile ??= WriteCookieFile(cookies);
                arguments.AddRange(["--cookies", _cookieFile]);
            }
        }

        return arguments;
    }

    private string WriteCookieFile(string cookies)
    {
        var path = Path.Combine(_ledger.RunFolder, $"cookies-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8))}.txt");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(path, options))
        {
            writer.Write(cookies.Trim() + "\n");
        }

        return path;
    }

    // Netscape cookies.txt: domain, flag, path, secure, expiry, name, value (tab-separated).
    private static IEnumerable<string> CookieLines(string? cookies)
    {
        if (string.IsNullOrWhiteSpace(cookies))
        {
            yield break;
        }

        foreach (var line in cookies.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split('\t');
            if (!line.StartsWith('#') && fields.Length >= 7)
            {
                yield return $"{fields[5]}={fields[6]}";
            }
        }
    }

    private sealed class StdoutSource(ToolProcess process, string name) : IByteSource
    {
        public string Description => $"{name} (pid {process.Id})";

        public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) => process.Stdout.ReadAsync(buffer, cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private static partial class Log
    {
        [LoggerMessage(620, LogLevel.Information, "Stream {StreamId}: {Tool} started (pid {Pid})")]
        public static partial void Started(ILogger logger, string streamId, string tool, int pid);

        [LoggerMessage(621, LogLevel.Error, "Stream {StreamId}: {Resolver} keeps exiting, giving up: {Error}")]
        public static partial void GaveUp(ILogger logger, string streamId, string resolver, string? error);
    }
}
