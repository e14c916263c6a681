using M3uProxy.Edge.Clients;
using M3uProxy.Edge.Configuration;
using M3uProxy.Edge.Streams;

namespace M3uProxy.Edge.FanOut;

/// <summary>
/// One <see cref="LiveChannel"/> per live stream. Joining and leaving run under one lock, so a
/// second viewer never opens a second upstream, even when many arrive at once, and the upstream
/// closes as soon as the last viewer leaves (or after <c>LIVE_LAST_VIEWER_GRACE</c>, cut short
/// when that viewer opens another stream — zapping on a one-connection line).
/// </summary>
internal sealed class LiveChannelRegistry
{
    private readonly Dictionary<string, ChannelEntry> _channels = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly IChannelSourceFactory _sources;
    private readonly IChannelObserver[] _observers;
    private readonly ProxySettings _settings;
    private readonly LiveChannelOptions _channelOptions;
    private readonly TimeProvider _time;
    private readonly FanOutMemory _memory;
    private readonly ILogger<LiveChannel> _logger;

    public LiveChannelRegistry(IChannelSourceFactory sources, IEnumerable<IChannelObserver> observers, ProxySettings settings, TimeProvider time, FanOutMemory memory, ILogger<LiveChannel> logger)
    {
        _sources = sources;
        _observers = [.. observers];
        _memory = memory;
        _settings = settings;
        _channelOptions = new LiveChannelOptions(
            settings.LiveBufferBytes,
            settings.LiveJoinBurstBytes,
            TimeSpan.FromSeconds(settings.StreamKeepaliveSeconds),
            RetainLatestKeyframe: settings.LiveJoinAtKeyframe);
        _time = time;
        _logger = logger;
    }

    /// <summary>Live channels with an open upstream (for stats).</summary>
    public int OpenChannels
    {
        get
        {
            lock (_gate)
            {
                return _channels.Values.Count(e => !e.Channel.HasEnded);
            }
        }
    }

    /// <summary>Open channels, their viewers, and the largest lag of a viewer behind its channel (for stats).</summary>
    public (int Channels, int Viewers, long MaxLagBytes) FanOutSnapshot()
    {
        lock (_gate)
        {
            var open = _channels.Values.Where(e => !e.Channel.HasEnded).ToList();
            return (open.Count, open.Sum(e => e.Viewers), open.Select(e => e.Channel.Buffer.MaxReaderLag()).DefaultIfEmpty(0).Max());
        }
    }

    /// <summary>What the stream's running channel carries, read from its bytes; null when no channel runs or nothing is known yet.</summary>
    public Media.MpegTs.MediaInfo? MediaInfoOf(string streamId)
    {
        lock (_gate)
        {
            return _channels.TryGetValue(streamId, out var entry) && !entry.Channel.HasEnded ? entry.Channel.Index.Info : null;
        }
    }

    /// <summary>The media info of every running channel (for the metrics).</summary>
    public IReadOnlyList<(string StreamId, Media.MpegTs.MediaInfo Info)> MediaInfos()
    {
        lock (_gate)
        {
            return [.. _channels.Values.Where(e => !e.Channel.HasEnded && e.Channel.Index.Info is not null).Select(e => (e.Channel.StreamId, e.Channel.Index.Info!))];
        }
    }

    public bool TryGet(string streamId, out LiveChannel channel)
    {
        lock (_gate)
        {
            channel = _channels.TryGetValue(streamId, out var entry) ? entry.Channel : null!;
            return channel is not null;
        }
    }

    /// <summary>
    /// Adds a viewer to the stream's channel, starting the channel if it has none running. The viewer
    /// must be sent <c>ProgramHeader</c> (empty, or the PAT and PMT of a keyframe join) before its reader's bytes.
    /// </summary>
    public (LiveChannel Channel, FanOutReader Reader, ReadOnlyMemory<byte> ProgramHeader) Join(StreamRecord stream, ClientIdentity viewer)
    {
        lock (_gate)
        {
            StopGraceChannelsOf(viewer, except: stream.Id);
            if (!_channels.TryGetValue(stream.Id, out var entry) || entry.Channel.HasEnded || entry.Channel.IsStopping)
            {
                var channel = new LiveChannel(stream.Id, _sources.Create(stream), _channelOptions, _logger, _memory);
                // A transcoder costs seconds to start: a viewer who comes back soon shares the running one.
                entry = new ChannelEntry(channel, TimeSpan.FromSeconds(stream.Definition.IsTranscoded ? _settings.SharedStreamGraceSeconds : _settings.LiveLastViewerGraceSeconds));
                _channels[stream.Id] = entry;
                channel.Start();
                foreach (var observer in _observers)
                {
                    observer.ChannelStarted(channel, stream);
                }
            }

            entry.CancelGrace();
            entry.Viewers++;
            if (!_settings.LiveJoinAtKeyframe)
            {
                return (entry.Channel, entry.Channel.AddReader(_settings.LiveJoinBurstBytes), default);
            }

            var reader = entry.Channel.AddReaderAtKeyframe(_settings.LiveJoinBurstBytes, out var header);
            return (entry.Channel, reader, header);
        }
    }

    /// <summary>Removes a viewer; the last one closes the upstream (now, or after the grace period).</summary>
    public void Leave(LiveChannel channel, FanOutReader reader, ClientIdentity viewer)
    {
        lock (_gate)
        {
            channel.RemoveReader(reader);
            if (!_channels.TryGetValue(channel.StreamId, out var entry) || !ReferenceEquals(entry.Channel, channel))
            {
                return; // an ended channel that a newer one replaced
            }

            if (--entry.Viewers > 0)
            {
                return;
            }

            var grace = entry.LastViewerGrace;
            if (grace <= TimeSpan.Zero || channel.HasEnded)
            {
                Close(entry);
                return;
            }

            entry.LastViewer = viewer;
            entry.Grace = _time.CreateTimer(
                static state =>
                {
                    var (registry, expired) = ((LiveChannelRegistry, ChannelEntry))state!;
                    registry.CloseIfIdle(expired);
                },
                (this, entry),
                grace,
                Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Stops a stream's channel (stream removed): its viewers drain and end.</summary>
    public void Stop(string streamId)
    {
        lock (_gate)
        {
            if (_channels.TryGetValue(streamId, out var entry))
            {
                Close(entry);
            }
        }
    }

    private void CloseIfIdle(ChannelEntry entry)
    {
        lock (_gate)
        {
            if (entry.Viewers == 0 && _channels.TryGetValue(entry.Channel.StreamId, out var current) && ReferenceEquals(current, entry))
            {
                Close(entry);
            }
        }
    }

    private void StopGraceChannelsOf(ClientIdentity viewer, string except)
    {
        foreach (var entry in _channels.Values.ToList())
        {
            if (entry.Viewers == 0 && entry.Grace is not null && entry.Channel.StreamId != except && entry.LastViewer == viewer)
            {
                Close(entry);
            }
        }
    }

    private void Close(ChannelEntry entry)
    {
        entry.CancelGrace();
        entry.Channel.Stop();
        if (_channels.TryGetValue(entry.Channel.StreamId, out var current) && ReferenceEquals(current, entry))
        {
            _channels.Remove(entry.Channel.StreamId);
        }
    }

    private sealed class ChannelEntry(LiveChannel channel, TimeSpan lastViewerGrace)
    {
        public LiveChannel Channel { get; } = channel;

        public TimeSpan LastViewerGrace { get; } = lastViewerGrace;

        public int Viewers { get; set; }

        public ITimer? Grace { get; set; }

        public ClientIdentity? LastViewer { get; set; }

        public void CancelGrace()
        {
            Grace?.Dispose();
            Grace = null;
        }
    }
}
