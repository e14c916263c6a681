using M3uProxy.Edge.FanOut;
using M3uProxy.Edge.Streams;

namespace M3uProxy.Edge.Packaging;

/// <summary>One <see cref="LivePackager"/> per live stream that HLS clients ask for, started by the first playlist request.</summary>
internal sealed class LivePackagers
{
    private readonly Dictionary<string, LivePackager> _packagers = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly LiveChannelRegistry _channels;
    private readonly TimeProvider _time;
    private readonly ILogger<LivePackager> _logger;

    public LivePackagers(LiveChannelRegistry channels, TimeProvider time, ILogger<LivePackager> logger)
    {
        _channels = channels;
        _time = time;
        _logger = logger;
    }

    /// <summary>The stream's running packager, or a new one.</summary>
    public LivePackager GetOrStart(StreamRecord stream)
    {
        lock (_gate)
        {
            if (_packagers.TryGetValue(stream.Id, out var running) && running.IsRunning)
            {
                running.Touch();
                return running;
            }

            var packager = new LivePackager(_channels, stream, _time, _logger);
            _packagers[stream.Id] = packager;
            packager.Start();
            return packager;
        }
    }

    /// <summary>The stream's packager (running or just stopped, whose segments are still in memory), or null.</summary>
    public LivePackager? Find(string streamId)
    {
        lock (_gate)
        {
            return _packagers.GetValueOrDefault(streamId);
        }
    }

    /// <summary>Stops every packager (shutdown).</summary>
    public void StopAll()
    {
        lock (_gate)
        {
            foreach (var packager in _packagers.Values)
            {
                packager.Stop();
            }

            _packagers.Clear();
        }
    }
}
