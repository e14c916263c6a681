using M3uProxy.Edge.FanOut;

namespace M3uProxy.Edge.Hosting;

/// <summary>
/// Gives memory back after a burst (issue #14: RSS stayed 33–81 MB up after 1,000–2,000 short
/// viewers). Every second it trims Kestrel's buffer pools (<see cref="ReleasingBlockPools"/>); and
/// once the process has gone quiet after real work, it lets go of the fan-out's spare chunks, runs
/// one full, compacting collection that returns free memory to the system, and trims the native
/// heap. An idle server GC otherwise never collects: the burst's garbage, its released buffers (old
/// by then: only a full collection frees them) and the heap it grew into stay resident until the
/// next busy moment. Real work is a busy spell (allocation), buffers given back, or resident memory
/// grown since the last collection: a burst served from pooled buffers allocates too little to
/// count as busy on a loaded machine, yet leaves its buffers resident. Only after two quiet seconds
/// in a row (the pools have given back what the burst left), never under steady traffic (no quiet
/// seconds), and at most once per <see cref="MinimumInterval"/>.
/// </summary>
internal sealed partial class IdleMemoryRelease : BackgroundService
{
    /// <summary>Allocation per second under which the process counts as quiet.</summary>
    public const long QuietBytesPerSecond = 1024 * 1024;

    /// <summary>Allocation per second from which the process counts as busy.</summary>
    public const long BusyBytesPerSecond = 4 * 1024 * 1024;

    /// <summary>Released buffers, or growth of resident memory, that make a collection worth its pause even without a busy spell.</summary>
    public const long WorthCollecting = 8 * 1024 * 1024;

    public static readonly TimeSpan MinimumInterval = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan _tick = TimeSpan.FromSeconds(1);

    private readonly ReleasingBlockPools _pools;
    private readonly FanOutMemory _chunks;
    private readonly TimeProvider _time;
    private readonly ILogger<IdleMemoryRelease> _logger;
    private readonly Func<long> _allocatedBytes;
    private readonly Func<long> _residentBytes;
    private long _released;
    private long _residentAfterCollection;
    private long _lastAllocated;
    private long _allocatedAtCollection;
    private long _lastCollection;
    private bool _busy;
    private bool _wasQuiet;

    public IdleMemoryRelease(ReleasingBlockPools pools, FanOutMemory chunks, TimeProvider time, ILogger<IdleMemoryRelease> logger)
        : this(pools, chunks, time, logger, static () => GC.GetTotalAllocatedBytes(), static () => Environment.WorkingSet)
    {
    }

    /// <summary>For tests: where the allocation count and the resident memory are read.</summary>
    internal IdleMemoryRelease(ReleasingBlockPools pools, FanOutMemory chunks, TimeProvider time, ILogger<IdleMemoryRelease> logger, Func<long> allocatedBytes, Func<long> residentBytes)
    {
        _pools = pools;
        _chunks = chunks;
        _time = time;
        _logger = logger;
        _allocatedBytes = allocatedBytes;
        _residentBytes = residentBytes;
        _lastAllocated = _allocatedAtCollection = allocatedBytes();
        _lastCollection = _time.GetTimestamp();
        _residentAfterCollection = residentBytes();
    }

    /// <summary>Full collections this service ran.</summary>
    public int Collections { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_tick, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Tick();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }

    /// <summary>One round: trim the pools, then collect if the process has gone quiet after real work.</summary>
    internal void Tick()
    {
        _released += _pools.Trim();
        var allocated = _allocatedBytes();
        var rate = allocated - _lastAllocated;
        _lastAllocated = allocated;
        _busy |= rate >= BusyBytesPerSecond;
        var quiet = rate < QuietBytesPerSecond;
        var quietAgain = quiet && _wasQuiet;
        _wasQuiet = quiet;
        if (!quietAgain || _time.GetElapsedTime(_lastCollection) < MinimumInterval)
        {
            return;
        }

        var before = _residentBytes();
        if (!_busy && _released < WorthCollecting && before - _residentAfterCollection < WorthCollecting)
        {
            return;
        }

        _released += _chunks.ReleaseFree();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        NativeHeap.Trim();
        Collections++;
        _residentAfterCollection = _residentBytes();
        Log.Collected(_logger, _released / (1024 * 1024), (allocated - _allocatedAtCollection) / (1024 * 1024), before / (1024 * 1024), _residentAfterCollection / (1024 * 1024));
        _released = 0;
        _busy = false;
        _allocatedAtCollection = _lastAllocated = _allocatedBytes();
        _lastCollection = _time.GetTimestamp();
    }

    private static partial class Log
    {
        [LoggerMessage(5, LogLevel.Debug, "Quiet after real work ({Released} MiB of buffers released, {Allocated} MiB allocated): memory collected, resident {Before} → {After} MiB")]
        public static partial void Collected(ILogger logger, long released, long allocated, long before, long after);
    }
}
