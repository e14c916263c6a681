using System.Collections.Concurrent;
using M3uProxy.Edge.Tools;
using M3uProxy.Edge.Tools.Ffmpeg;

namespace M3uProxy.Edge.Broadcast;

/// <summary>
/// The networks being broadcast, one programme (<see cref="BroadcastJob"/>) per network id at a
/// time. Starting a network that is still listed is a transition: the running programme is
/// stopped gracefully and the next one continues its playlist. Operations on one network are
/// serialised; networks never wait for each other. As a hosted service it removes leftovers of a
/// previous run at start-up, runs the folder GC (seed-spec §13.3), and stops every programme
/// gracefully at shutdown.
/// </summary>
internal sealed partial class BroadcastRegistry : IHostedService, IDisposable
{
    private static readonly TimeSpan _failedStartStopGrace = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan _callbackDrainDeadline = TimeSpan.FromSeconds(5);

    private readonly BroadcastOptions _options;
    private readonly ToolPaths _tools;
    private readonly ProcessLedger _ledger;
    private readonly HardwareDetection _hardware;
    private readonly TimeProvider _time;
    private readonly BroadcastCallbackSender _callbacks;
    private readonly StartRetryPolicy _retries;
    private readonly ILogger<BroadcastRegistry> _logger;
    private readonly ConcurrentDictionary<string, BroadcastNetwork> _networks = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private Task _gc = Task.CompletedTask;

    // The ledger is created (and a crashed run's ffmpeg killed) before StartAsync removes the leftover folders.
    public BroadcastRegistry(BroadcastOptions options, ToolPaths tools, ProcessLedger ledger, HardwareDetection hardware, TimeProvider time, BroadcastCallbackSender callbacks, ILogger<BroadcastRegistry> logger)
    {
        _options = options;
        _tools = tools;
        _ledger = ledger;
        _hardware = hardware;
        _time = time;
        _callbacks = callbacks;
        _logger = logger;
        _retries = new StartRetryPolicy(options.MaxStartRetries, options.StartRetryWindow, options.StartRetryCooldown, time);
    }

    public BroadcastOptions Options => _options;

    /// <summary>Starts a programme, or switches the network to it. Returns the running job, or the error answer.</summary>
    public async Task<BroadcastStartResult> StartAsync(string networkId, BroadcastStartRequest request, CancellationToken cancellationToken)
    {
        var network = _networks.GetOrAdd(networkId, _ => new BroadcastNetwork());
        await network.Gate.WaitAsync(cancellationToken);
        try
        {
            if (_retries.TryBegin(networkId) is { } retryAfter)
            {
                Log.StartRefused(_logger, networkId, retryAfter);
                return BroadcastStartResult.Failure($"Exceeded max start retries for broadcast {networkId}; retry allowed after {retryAfter}s");
            }

            // A transcoding programme without an encoder of its own encodes as transcoders do (the probe's choice).
            var hardware = request.Transcode ? await _hardware.ChosenAsync(cancellationToken) : null;
            var (output, startNumber, discontinuity) = await PrepareOutputAsync(networkId, network, request);
            network.Output = output;
            var command = new BroadcastCommand(request, output.Folder, startNumber, discontinuity, hardware) { TimestampOffset = output.TotalDuration };
            var job = new BroadcastJob(networkId, command, output, _tools, _ledger, _time, _callbacks, _logger);
            try
            {
                output.Folder.EnsureExists();
                ProcessLedger.MarkOwned(output.Folder.Path);
                job.Start();
            }
            catch (Exception exception) when (exception is ToolNotFoundException or IOException or UnauthorizedAccessException)
            {
                // The message may hold server paths; the log has the details.
                Log.SpawnFailed(_logger, networkId, exception);
                _retries.Failed(networkId);
                await job.DisposeAsync();
                return BroadcastStartResult.Failure(exception is ToolNotFoundException
                    ? "Failed to start broadcast: ffmpeg could not be started"
                    : "Failed to start broadcast: the broadcast folder could not be prepared");
            }

            network.Job = job;
            if (!await job.WaitForStartAsync(_options.FirstSegmentWait(request.SegmentDuration), cancellationToken))
            {
                var reason = job.FailureReason();
                network.Job = null;
                await job.StopAsync(_failedStartStopGrace);
                await job.DisposeAsync();
                _retries.Failed(networkId);
                Log.StartFailed(_logger, networkId, reason);
                return BroadcastStartResult.Failure($"Broadcast {networkId} failed shortly after start: {reason}");
            }

            _retries.Clear(networkId);
            job.Announce();
            return BroadcastStartResult.Started(job);
        }
        finally
        {
            network.Gate.Release();
        }
    }

    /// <summary>Stops the network's programme gracefully and unlists it; null when it is not listed.</summary>
    public async Task<BroadcastJob?> StopAsync(string networkId)
    {
        if (!_networks.TryGetValue(networkId, out var network))
        {
            return null;
        }

        await network.Gate.WaitAsync();
        try
        {
            if (network.Job is not { } job)
            {
                return null;
            }

            await job.StopAsync(_options.StopGrace);
            await job.DisposeAsync();
            network.Job = null;
            network.Output = null;
            _retries.Clear(networkId);
            Log.Stopped(_logger, networkId, job.CurrentSegmentNumber);
            return job;
        }
        finally
        {
            network.Gate.Release();
        }
    }

    /// <summary>Kills the programme if any, unlists the network and removes its folder (DVR folders stay). False when the folder could not be removed.</summary>
    public async Task<bool> DeleteAsync(string networkId)
    {
        var network = _networks.GetOrAdd(networkId, _ => new BroadcastNetwork());
        await network.Gate.WaitAsync();
        try
        {
            if (network.Job is { } job)
            {
                await job.KillAsync();
                await job.DisposeAsync();
            }

            network.Job = null;
            network.Output = null;
            _retries.Clear(networkId);
            var removed = BroadcastFiles.FolderOf(_options, networkId, dvr: false).Delete();
            Log.Deleted(_logger, networkId, removed);
            return removed;
        }
        finally
        {
            network.Gate.Release();
        }
    }

    public BroadcastJob? Get(string networkId) => _networks.TryGetValue(networkId, out var network) ? network.Job : null;

    public IReadOnlyList<BroadcastJob> List()
        => [.. _networks.OrderBy(n => n.Key, StringComparer.Ordinal).Select(n => n.Value.Job).OfType<BroadcastJob>()];

    /// <summary>The folder a network's files are served from: its live output, else its folder under the broadcast folder.</summary>
    public HlsOutputDirectory ServedFolder(string networkId)
        => _networks.TryGetValue(networkId, out var network) && network.Output is { } output
            ? output.Folder
            : BroadcastFiles.FolderOf(_options, networkId, dvr: false);

    /// <summary>The playlist text: from memory for a listed network, else the file a finished one left (not in DVR folders).</summary>
    public async Task<string?> PlaylistAsync(string networkId, CancellationToken cancellationToken)
    {
        if (_networks.TryGetValue(networkId, out var network) && network.Output?.PlaylistText is { } text)
        {
            return text;
        }

        try
        {
            return await File.ReadAllTextAsync(BroadcastFiles.FolderOf(_options, networkId, dvr: false).PlaylistPath, cancellationToken);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private async Task<(BroadcastOutput Output, long StartNumber, bool Discontinuity)> PrepareOutputAsync(string networkId, BroadcastNetwork network, BroadcastStartRequest request)
    {
        var folder = BroadcastFiles.FolderOf(_options, networkId, request.DvrMode);
        if (network.Job is { } running)
        {
            // A transition: the running programme finishes its current segment first.
            await running.StopAsync(_options.StopGrace);
            await running.DisposeAsync();
            network.Job = null;
            Log.Transition(_logger, networkId, running.CurrentSegmentNumber);
        }

        if (network.Output is { } output && output.Folder.Path == folder.Path)
        {
            var last = output.LastNumber ?? output.Folder.HighestSegmentNumber();
            if (last is { } previous)
            {
                // Numbers never go back: a file still listed must not be overwritten.
                var next = request.SegmentStartNumber > previous ? request.SegmentStartNumber : previous + 1;
                output.Reconfigure(request.HlsListSize, request.SegmentDuration);
                return (output, next, true);
            }
        }

        var fresh = new BroadcastOutput(folder, BroadcastFiles.DirectoryName(networkId), request.DvrMode, request.HlsListSize, request.SegmentDuration);
        if (request.SegmentStartNumber == 0 && !request.AddDiscontinuity)
        {
            folder.ClearMedia();
        }

        return (fresh, request.SegmentStartNumber, request.AddDiscontinuity);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        RemoveLeftovers();
        if (_options.GcEnabled)
        {
            _gc = Task.Run(() => RunGcAsync(_stopping.Token), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        var stops = new List<Task>();
        foreach (var (networkId, network) in _networks)
        {
            if (network.Job is { } job)
            {
                stops.Add(StopForShutdownAsync(networkId, job));
            }
        }

        await Task.WhenAll(stops);
        await _gc;
        await _callbacks.DrainAsync(_callbackDrainDeadline);
    }

    public void Dispose() => _stopping.Dispose();

    private async Task StopForShutdownAsync(string networkId, BroadcastJob job)
    {
        await job.StopAsync(_options.StopGrace);
        await job.DisposeAsync();
        Log.Stopped(_logger, networkId, job.CurrentSegmentNumber);
    }

    /// <summary>Folders of a previous run (a crash leaves them full): nothing lists them any more. Folders another running proxy marked as its own stay.</summary>
    private void RemoveLeftovers()
    {
        foreach (var directory in BroadcastDirectories())
        {
            if (ProcessLedger.IsOwnedByAnotherLiveProcess(directory))
            {
                continue; // another proxy sharing the folder is playing it out
            }

            var removed = BroadcastFiles.FolderAt(directory).Delete();
            Log.LeftoverRemoved(_logger, Path.GetFileName(directory), removed);
        }
    }

    private string[] BroadcastDirectories()
    {
        try
        {
            return Directory.Exists(_options.BroadcastDirectory)
                ? Directory.GetDirectories(_options.BroadcastDirectory, BroadcastFiles.DirectoryPrefix + "*")
                : [];
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private async Task RunGcAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.GcInterval, _time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            CollectGarbage();
        }
    }

    /// <summary>
    /// Removes unreferenced segments of listed networks older than a minute, and folders of
    /// networks no longer listed that are older than <c>HLS_GC_AGE_THRESHOLD</c>. DVR folders are never touched.
    /// </summary>
    public void CollectGarbage()
    {
        var now = _time.GetUtcNow();
        var active = new HashSet<string>(StringComparer.Ordinal);
        foreach (var network in _networks.Values)
        {
            if (network.Output is not { } output || network.Job is null)
            {
                continue;
            }

            active.Add(output.Folder.Path);
            if (output.IsDvr)
            {
                continue;
            }

            foreach (var file in output.Folder.Files("*.ts"))
            {
                var name = Path.GetFileName(file);
                if (!output.IsReferenced(name) && now - File.GetLastWriteTimeUtc(file) > _options.UnreferencedSegmentAge)
                {
                    output.Folder.DeleteFile(name);
                }
            }
        }

        foreach (var directory in BroadcastDirectories())
        {
            if (!active.Contains(directory) && now - Directory.GetLastWriteTimeUtc(directory) > _options.GcAgeThreshold && !ProcessLedger.IsOwnedByAnotherLiveProcess(directory))
            {
                var removed = BroadcastFiles.FolderAt(directory).Delete();
                Log.Collected(_logger, Path.GetFileName(directory), removed);
            }
        }
    }

    private sealed class BroadcastNetwork
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        /// <summary>The programme listed for the network (running, or finished but not yet stopped).</summary>
        public BroadcastJob? Job { get; set; }

        /// <summary>The playlist the next programme continues.</summary>
        public BroadcastOutput? Output { get; set; }
    }

    private static partial class Log
    {
        [LoggerMessage(705, LogLevel.Warning, "Broadcast {NetworkId}: start refused, too many failed starts; retry allowed after {Seconds} s")]
        public static partial void StartRefused(ILogger logger, string networkId, int seconds);

        [LoggerMessage(706, LogLevel.Error, "Broadcast {NetworkId}: ffmpeg could not be started")]
        public static partial void SpawnFailed(ILogger logger, string networkId, Exception exception);

        [LoggerMessage(707, LogLevel.Warning, "Broadcast {NetworkId}: failed shortly after start: {Reason}")]
        public static partial void StartFailed(ILogger logger, string networkId, string reason);

        [LoggerMessage(708, LogLevel.Information, "Broadcast {NetworkId}: stopped at segment {FinalSegment}")]
        public static partial void Stopped(ILogger logger, string networkId, long finalSegment);

        [LoggerMessage(709, LogLevel.Information, "Broadcast {NetworkId}: deleted (folder removed: {Removed})")]
        public static partial void Deleted(ILogger logger, string networkId, bool removed);

        [LoggerMessage(710, LogLevel.Information, "Broadcast {NetworkId}: next programme after segment {LastSegment}")]
        public static partial void Transition(ILogger logger, string networkId, long lastSegment);

        [LoggerMessage(711, LogLevel.Information, "Broadcast folder {Folder} of a previous run removed: {Removed}")]
        public static partial void LeftoverRemoved(ILogger logger, string folder, bool removed);

        [LoggerMessage(712, LogLevel.Information, "Broadcast folder {Folder} collected: {Removed}")]
        public static partial void Collected(ILogger logger, string folder, bool removed);
    }
}

/// <summary>A started programme, or the reference's 500 detail.</summary>
internal sealed record BroadcastStartResult(BroadcastJob? Job, string? Detail)
{
    public static BroadcastStartResult Started(BroadcastJob job) => new(job, null);

    public static BroadcastStartResult Failure(string detail) => new(null, detail);
}
