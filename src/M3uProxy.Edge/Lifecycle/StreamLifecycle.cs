using M3uProxy.Edge.Clients;
using M3uProxy.Edge.Configuration;
using M3uProxy.Edge.Events;
using M3uProxy.Edge.Streams;

namespace M3uProxy.Edge.Lifecycle;

/// <summary>
/// The one place where clients join and leave streams and streams end. Membership changes run
/// under one lock (they are rare next to data transfer), so races between a last client leaving,
/// a DELETE, the reaper and a re-POST resolve in one order, and each stream lifetime ends with
/// exactly one <c>stream_stopped</c>.
/// </summary>
internal sealed class StreamLifecycle
{
    private readonly IStreamRegistry _streams;
    private readonly ClientRegistry _clients;
    private readonly EventBus _events;
    private readonly TimeProvider _time;
    private readonly ProxySettings _settings;
    private readonly ILogger<StreamLifecycle> _logger;
    private readonly Lock _gate = new();
    private bool _shuttingDown;

    public StreamLifecycle(IStreamRegistry streams, ClientRegistry clients, EventBus events, TimeProvider time, ProxySettings settings, ILogger<StreamLifecycle> logger)
    {
        _streams = streams;
        _clients = clients;
        _events = events;
        _time = time;
        _settings = settings;
        _logger = logger;
    }

    /// <summary>The registry itself, for tests and diagnostics; the server reads through the methods below.</summary>
    public IStreamRegistry Streams => _streams;

    /// <summary>The client registry itself, for tests and diagnostics; the server reads through the methods below.</summary>
    public ClientRegistry Clients => _clients;

    // Reads take no lock: the registries are concurrent, and a record read may be removed a moment
    // later either way (RegisterClient checks again under the lock).
    public bool TryGetStream(string streamId, out StreamRecord stream) => _streams.TryGet(streamId, out stream);

    /// <summary>A stream the API lists: registered and not an HLS variant (variants are reached through their parent).</summary>
    public bool TryGetListed(string streamId, out StreamRecord stream)
        => _streams.TryGet(streamId, out stream) && !stream.Definition.IsVariant;

    public bool TryGetClient(string clientId, out ClientRecord client) => _clients.TryGet(clientId, out client);

    /// <summary>A point-in-time copy of every stream, variants included.</summary>
    public IReadOnlyList<StreamRecord> StreamSnapshot() => _streams.Snapshot();

    /// <summary>A point-in-time copy of every client.</summary>
    public IReadOnlyList<ClientRecord> ClientSnapshot() => _clients.Snapshot();

    public StreamRecord Upsert(StreamDefinition definition, out StreamUpsertOutcome outcome)
    {
        lock (_gate)
        {
            return _streams.GetOrCreate(definition, _time.GetUtcNow(), out outcome);
        }
    }

    /// <summary>
    /// Registers a client on a stream, emitting <c>client_connected</c> once per client per
    /// stream. A client id that was on another stream leaves that one first. Returns null when
    /// the stream has been removed meanwhile.
    /// </summary>
    public ClientRecord? RegisterClient(StreamRecord stream, string clientId, ClientIdentity identity)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (_shuttingDown || !_streams.TryGet(stream.Id, out var current) || !ReferenceEquals(current, stream))
            {
                return null;
            }

            if (_clients.TryGet(clientId, out var existing))
            {
                if (existing.StreamId == stream.Id && stream.HasClient(clientId))
                {
                    existing.Touch(now);
                    stream.Touch(now);
                    return existing;
                }

                DisconnectCore(existing, connectionId: null, now, endsLifetime: true);
            }

            var client = new ClientRecord(clientId, stream.Id, identity, now);
            _clients.TryAdd(client);
            stream.AddClient(clientId);
            stream.BeginLifetime();
            stream.Touch(now);
            _events.Publish(EventType.ClientConnected, stream.Id, EventData.ClientConnected(client, stream));
            LifecycleLog.ClientConnected(_logger, clientId, stream.Id, stream.ClientCount);
            return client;
        }
    }

    /// <summary>Removes a client; the last client of a stream ends the stream's lifetime.</summary>
    public bool DisconnectClient(ClientRecord client, string? connectionId = null)
    {
        lock (_gate)
        {
            return DisconnectCore(client, connectionId, _time.GetUtcNow(), endsLifetime: true);
        }
    }

    /// <summary>
    /// Removes a stream: claims its <c>stream_stopped</c>, ends its viewers, removes its clients
    /// and publishes <c>stream_stopped</c> with <paramref name="reason"/>. False when it was already gone.
    /// </summary>
    public bool RemoveStream(StreamRecord stream, StopReason reason)
    {
        lock (_gate)
        {
            return RemoveCore(stream, reason);
        }
    }

    /// <summary>
    /// <c>DELETE /streams/by-metadata?force=false</c>: lets <paramref name="leavingClientId"/> leave
    /// the stream (without ending its lifetime), then removes the stream only if nobody else
    /// watches it. Atomic, so a client joining meanwhile is either counted or never joins.
    /// </summary>
    public bool RemoveStreamIfUnwatched(StreamRecord stream, string? leavingClientId, StopReason reason, out int remainingClients)
    {
        lock (_gate)
        {
            if (leavingClientId is not null && stream.HasClient(leavingClientId) && _clients.TryGet(leavingClientId, out var leaving))
            {
                DisconnectCore(leaving, connectionId: null, _time.GetUtcNow(), endsLifetime: false);
            }

            remainingClients = stream.ClientCount;
            return remainingClients == 0 && RemoveCore(stream, reason);
        }
    }

    private bool RemoveCore(StreamRecord stream, StopReason reason)
    {
        if (!_streams.TryRemove(stream))
        {
            return false;
        }

        var ownsStop = stream.TryClaimStopped();
        var now = _time.GetUtcNow();
        foreach (var clientId in stream.ClientIds.ToArray())
        {
            if (_clients.TryGet(clientId, out var client))
            {
                DisconnectCore(client, connectionId: null, now, endsLifetime: false);
            }
        }

        stream.EndViewers();
        LifecycleLog.StreamRemoved(_logger, stream.Id, reason.Reason);
        if (ownsStop)
        {
            _events.Publish(EventType.StreamStopped, stream.Id, EventData.Stopped(reason, stream));
            LifecycleLog.StreamStopped(_logger, stream.Id, reason.Reason);
        }

        return true;
    }

    /// <summary>
    /// One reaper sweep: clients without an open response and idle past <c>CLIENT_TIMEOUT</c>,
    /// then streams without clients idle past <c>STREAM_TIMEOUT</c>.
    /// </summary>
    public (int Clients, int Streams) ReapIdle()
    {
        var now = _time.GetUtcNow();
        var reapedClients = 0;
        foreach (var client in _clients.Snapshot())
        {
            if (DisconnectIfIdle(client, now))
            {
                reapedClients++;
            }
        }

        var reapedStreams = 0;
        foreach (var stream in _streams.Snapshot())
        {
            if (RemoveIfIdle(stream, now))
            {
                reapedStreams++;
            }
        }

        LogIdleClients(now);
        return (reapedClients, reapedStreams);
    }

    private bool DisconnectIfIdle(ClientRecord client, DateTimeOffset now)
    {
        lock (_gate)
        {
            // HLS clients stay for a few target durations: a player with 30 s buffered is still watching.
            var timeout = client.IdleTimeout > _settings.ClientTimeout ? client.IdleTimeout : _settings.ClientTimeout;
            return client.OpenResponses == 0 && now - client.LastAccess > timeout
                && DisconnectCore(client, connectionId: null, now, endsLifetime: true);
        }
    }

    // Checked again under the lock: a client may have (re)joined since the sweep's snapshot, and
    // then the stream is not idle any more and must not be cut from under it.
    private bool RemoveIfIdle(StreamRecord stream, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (stream.ClientCount != 0 || now - stream.LastAccess <= _settings.StreamTimeout)
            {
                return false;
            }

            return RemoveCore(stream, new StopReason("inactive_timeout", new() { ["timeout_seconds"] = _settings.StreamTimeoutSeconds }));
        }
    }

    /// <summary>True once shutdown has begun: no client may join any stream any more.</summary>
    public bool IsShuttingDown => Volatile.Read(ref _shuttingDown);

    /// <summary>
    /// The first step of a shutdown: from now on no client joins, and every stream ends at once
    /// (live viewers get the clean end of their response) except, when <paramref name="keepDownloads"/>,
    /// the files with a download still running: those are returned, and each ends with its last
    /// response (<see cref="ResponseEnded"/>) or when the drain's time is up (<see cref="StopAll"/>).
    /// </summary>
    public IReadOnlyList<StreamRecord> BeginShutdown(StopReason reason, bool keepDownloads)
    {
        var downloading = new List<StreamRecord>();
        lock (_gate)
        {
            Volatile.Write(ref _shuttingDown, true);
            var streams = _streams.Snapshot();
            LifecycleLog.ShuttingDown(_logger, streams.Count);
            foreach (var stream in streams)
            {
                if (keepDownloads && stream.Definition.Kind != StreamKind.LiveContinuous && HasOpenResponses(stream))
                {
                    downloading.Add(stream);
                }
                else
                {
                    RemoveCore(stream, reason);
                }
            }
        }

        return downloading;
    }

    /// <summary>A response of <paramref name="stream"/> ended: during shutdown the stream ends with its last one.</summary>
    public void ResponseEnded(StreamRecord stream)
    {
        if (!IsShuttingDown)
        {
            return;
        }

        lock (_gate)
        {
            if (!HasOpenResponses(stream))
            {
                RemoveCore(stream, new StopReason("server_shutdown"));
            }
        }
    }

    private bool HasOpenResponses(StreamRecord stream)
    {
        foreach (var clientId in stream.ClientIds)
        {
            if (_clients.TryGet(clientId, out var client) && client.StreamId == stream.Id && client.OpenResponses > 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Ends every stream, for shutdown: viewers end, each stream gets its <c>stream_stopped</c>.</summary>
    public int StopAll(string reason)
    {
        var streams = _streams.Snapshot();
        LifecycleLog.ShuttingDown(_logger, streams.Count);
        foreach (var stream in streams)
        {
            RemoveStream(stream, new StopReason(reason));
        }

        return streams.Count;
    }

    private bool DisconnectCore(ClientRecord client, string? connectionId, DateTimeOffset now, bool endsLifetime)
    {
        if (!_clients.TryRemove(client))
        {
            return false;
        }

        client.IsConnected = false;
        _streams.TryGet(client.StreamId, out var stream);
        _events.Publish(EventType.ClientDisconnected, client.StreamId, EventData.ClientDisconnected(client, stream, connectionId));
        LifecycleLog.ClientDisconnected(_logger, client.ClientId, client.StreamId, client.BytesServed);
        if (stream is not null && stream.RemoveClient(client.ClientId))
        {
            stream.Touch(now);
            if (endsLifetime && stream.ClientCount == 0 && stream.TryClaimStopped())
            {
                _events.Publish(EventType.StreamStopped, stream.Id, EventData.LastClientLeft(client, stream));
                LifecycleLog.StreamStopped(_logger, stream.Id, "last_client_disconnected");
            }
        }

        return true;
    }

    private readonly HashSet<string> _idleWarned = new(StringComparer.Ordinal);
    private readonly HashSet<string> _idleErrored = new(StringComparer.Ordinal);

    // Logs only, as the reference does (its idle events were never valid event types).
    private void LogIdleClients(DateTimeOffset now)
    {
        if (!_settings.EnableConnectionIdleMonitoring)
        {
            return;
        }

        var alive = new HashSet<string>(StringComparer.Ordinal);
        foreach (var client in _clients.Snapshot())
        {
            alive.Add(client.ClientId);
            var idleSeconds = (long)(now - (client.LastDataTime ?? client.CreatedAt)).TotalSeconds;
            if (idleSeconds >= _settings.ConnectionIdleErrorSeconds && _idleErrored.Add(client.ClientId))
            {
                LifecycleLog.ClientIdleError(_logger, client.ClientId, idleSeconds);
            }
            else if (idleSeconds >= _settings.ConnectionIdleAlertSeconds && _idleWarned.Add(client.ClientId))
            {
                LifecycleLog.ClientIdleWarning(_logger, client.ClientId, idleSeconds);
            }
        }

        _idleWarned.IntersectWith(alive);
        _idleErrored.IntersectWith(alive);
    }
}
