using System.Runtime.CompilerServices;
using M3uProxy.Edge.FanOut;
using M3uProxy.Edge.Lifecycle;

namespace M3uProxy.Edge.Metrics;

/// <summary>
/// The last minutes of each stream's traffic, kept on the server so a dashboard opened now can
/// draw them: every <see cref="Interval"/> the bytes served to the stream's viewers (its variant
/// playlists' included) and the bytes its live channel read upstream since the previous sample go
/// into the stream's <see cref="BitrateRing"/>. Reads counters the delivery paths already keep;
/// a stream's ring goes at the first sample after the stream does.
/// </summary>
internal sealed class StreamBitrateHistory : PeriodicSampler
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <summary>Five minutes of samples.</summary>
    public const int Samples = 60;

    private readonly StreamLifecycle _lifecycle;
    private readonly LiveChannelRegistry _channels;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, Entry> _streams = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private DateTimeOffset _lastSampleAt;

    public StreamBitrateHistory(StreamLifecycle lifecycle, LiveChannelRegistry channels, TimeProvider time)
        : base(Interval, time)
    {
        _lifecycle = lifecycle;
        _channels = channels;
        _time = time;
        _lastSampleAt = time.GetUtcNow();
    }

    /// <summary>Each stream's samples, oldest first, and how long ago the newest was taken.</summary>
    public (TimeSpan LastSampleAge, IReadOnlyList<(string StreamId, long[] Served, long[] Upstream)> Streams) Snapshot()
    {
        lock (_gate)
        {
            var streams = new List<(string, long[], long[])>(_streams.Count);
            foreach (var (id, entry) in _streams)
            {
                var (served, upstream) = entry.Ring.ToArrays();
                streams.Add((id, served, upstream));
            }

            return (_time.GetUtcNow() - _lastSampleAt, streams);
        }
    }

    /// <summary>Takes a sample of every stream now (the timer calls it every interval).</summary>
    public override void Sample()
    {
        var streams = _lifecycle.StreamSnapshot();
        lock (_gate)
        {
            foreach (var entry in _streams.Values)
            {
                entry.Seen = false;
                entry.Served = 0;
            }

            foreach (var stream in streams)
            {
                if (!stream.Definition.IsVariant)
                {
                    if (!_streams.TryGetValue(stream.Id, out var entry))
                    {
                        _streams[stream.Id] = entry = new Entry(new BitrateRing(Samples));
                    }

                    entry.Seen = true;
                    entry.Served += stream.TotalBytesServed + stream.RetiredVariants.Bytes;
                }
            }

            foreach (var stream in streams)
            {
                // Variant playlists' traffic counts toward their parent, as in the stats.
                if (stream.Definition.ParentStreamId is { } parent && _streams.TryGetValue(parent, out var entry))
                {
                    entry.Served += stream.TotalBytesServed;
                }
            }

            foreach (var (id, entry) in _streams)
            {
                if (!entry.Seen)
                {
                    _streams.Remove(id);
                    continue;
                }

                // The registry's lock is taken inside this one and never the other way round.
                var upstream = _channels.TryGet(id, out var channel) ? entry.TakeUpstream(RuntimeHelpers.GetHashCode(channel), channel.UpstreamBytes) : entry.TakeUpstream(0, 0);
                entry.Ring.Add(entry.TakeServed(), upstream);
            }

            _lastSampleAt = _time.GetUtcNow();
        }
    }

    private sealed class Entry(BitrateRing ring)
    {
        private long _servedBefore;
        private int _channel;
        private long _upstreamBefore;

        public BitrateRing Ring { get; } = ring;

        public bool Seen { get; set; }

        /// <summary>The stream's served total now, summed over it and its variants.</summary>
        public long Served { get; set; }

        public long TakeServed()
        {
            // A variant that went since the last sample takes its bytes out of the sum: never a negative sample.
            var delta = Math.Max(0, Served - _servedBefore);
            _servedBefore = Served;
            return delta;
        }

        /// <summary>Bytes read since the last sample. A channel counts from zero: a new one (another object, or a smaller count) starts over.</summary>
        public long TakeUpstream(int channel, long bytes)
        {
            if (channel != _channel || bytes < _upstreamBefore)
            {
                _channel = channel;
                _upstreamBefore = 0;
            }

            var delta = bytes - _upstreamBefore;
            _upstreamBefore = bytes;
            return delta;
        }
    }
}
