using M3uProxy.Edge.Streams;

namespace M3uProxy.Edge.Failover;

/// <summary>
/// A stream's sources and which one is current: the primary and its <c>failover_urls</c> as a
/// ring (after the last comes the primary again), URLs cooling down after a failure (circuit
/// breaker), and a version that changes exactly once per advance. Every trigger — a failed
/// connect, a drop, a stall, a manual request — advances through <see cref="TryAdvance"/>, which
/// moves only if the caller saw the current version, so concurrent triggers for one failure
/// advance once. Readers of the fan-out follow <see cref="Version"/>.
/// </summary>
internal sealed class StreamSources
{
    private readonly StreamRecord _stream;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, DateTimeOffset> _coolingUntil = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _version;
    private Action? _switched;

    public StreamSources(StreamRecord stream, TimeProvider time)
    {
        _stream = stream;
        _time = time;
    }

    public long Version => Interlocked.Read(ref _version);

    /// <summary>The URL to read now.</summary>
    public string CurrentUrl => _stream.CurrentUrl ?? _stream.Definition.Url;

    /// <summary>Called (outside the lock) after every advance, so a running channel switches at once.</summary>
    public void OnSwitched(Action callback)
    {
        lock (_gate)
        {
            _switched += callback;
        }
    }

    public void RemoveOnSwitched(Action callback)
    {
        lock (_gate)
        {
            _switched -= callback;
        }
    }

    /// <summary>Marks a URL as bad until now + <paramref name="cooldown"/>; the ring skips it meanwhile.</summary>
    public void CoolDown(string url, TimeSpan cooldown)
    {
        if (cooldown <= TimeSpan.Zero)
        {
            return;
        }

        lock (_gate)
        {
            _coolingUntil[url] = _time.GetUtcNow() + cooldown;
        }
    }

    public bool IsCoolingDown(string url)
    {
        lock (_gate)
        {
            return IsCoolingDownLocked(url, _time.GetUtcNow());
        }
    }

    /// <summary>
    /// Moves to the next URL of the ring that is not cooling down, if the current version is still
    /// <paramref name="seenVersion"/>. Null when another trigger advanced first, or when no other
    /// URL is available.
    /// </summary>
    public FailoverSwitch? TryAdvance(long seenVersion, string reason)
    {
        FailoverSwitch? change;
        Action? notify;
        lock (_gate)
        {
            if (Interlocked.Read(ref _version) != seenVersion || NextInRing() is not { } next)
            {
                return null;
            }

            change = ApplyLocked(next.Url, next.Index, reason);
            notify = _switched;
        }

        notify?.Invoke();
        return change;
    }

    /// <summary>Moves to a URL the failover resolver chose, if the version is still <paramref name="seenVersion"/>.</summary>
    public FailoverSwitch? TryAdvanceTo(long seenVersion, string url, string reason)
    {
        FailoverSwitch? change;
        Action? notify;
        lock (_gate)
        {
            if (Interlocked.Read(ref _version) != seenVersion)
            {
                return null;
            }

            change = ApplyLocked(url, _stream.CurrentFailoverIndex + 1, reason);
            notify = _switched;
        }

        notify?.Invoke();
        return change;
    }

    /// <summary>Whether any URL other than the current one could be switched to now.</summary>
    public bool HasAlternative()
    {
        lock (_gate)
        {
            return _stream.Definition.FailoverResolverUrl is not null || NextInRing() is not null;
        }
    }

    /// <summary>Sticky-session recovery (seed-spec §7.5): back to the entry URL when the current one is neither it nor a listed one.</summary>
    public bool TryRecoverSticky(long seenVersion)
    {
        lock (_gate)
        {
            var definition = _stream.Definition;
            if (Interlocked.Read(ref _version) != seenVersion || _stream.CurrentUrl is not { } current
                || current == definition.Url || definition.FailoverUrls.Contains(current))
            {
                return false;
            }

            _stream.CurrentUrl = null;
            Interlocked.Increment(ref _version);
            return true;
        }
    }

    /// <summary>A redirect led to another backend: stay on it (sticky session).</summary>
    public void Stick(string finalUrl)
    {
        lock (_gate)
        {
            if (finalUrl != CurrentUrl)
            {
                _stream.CurrentUrl = finalUrl;
            }
        }
    }

    private FailoverSwitch ApplyLocked(string url, int index, string reason)
    {
        var old = CurrentUrl;
        _stream.CurrentUrl = url == _stream.Definition.Url ? null : url;
        _stream.CurrentFailoverIndex = index;
        _stream.FailoverAttempts++;
        _stream.LastFailoverTime = _time.GetUtcNow();
        var version = Interlocked.Increment(ref _version);
        return new FailoverSwitch(old, url, index, _stream.FailoverAttempts, reason, version);
    }

    /// <summary>The next URL after the current one in primary → failover_urls → primary order, skipping cooling ones.</summary>
    private (string Url, int Index)? NextInRing()
    {
        var definition = _stream.Definition;
        var ring = definition.FailoverUrls.Count + 1;
        if (ring == 1)
        {
            return null;
        }

        var now = _time.GetUtcNow();
        var position = _stream.CurrentFailoverIndex + 1; // 0 = primary, 1.. = failover_urls
        for (var step = 1; step < ring; step++)
        {
            var candidate = (position + step) % ring;
            var url = candidate == 0 ? definition.Url : definition.FailoverUrls[candidate - 1];
            if (url != CurrentUrl && !IsCoolingDownLocked(url, now))
            {
                return (url, candidate - 1);
            }
        }

        return null;
    }

    private bool IsCoolingDownLocked(string url, DateTimeOffset now)
        => _coolingUntil.TryGetValue(url, out var until) && until > now;
}
