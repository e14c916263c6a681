using M3uProxy.Edge.Streams;

namespace M3uProxy.Edge.Failover;

/// <summary>
/// A stream's sources and which one is current: the primary and its <c>failover_urls</c> as a
/// ring (after the last comes the primary again), URLs cooling down after a failure (circuit
/// breaker), and a version that changes exactly once per advance. The state is the stream's
/// immutable <see cref="FailoverPosition"/>; this is the only code that replaces it, each time by
/// compare-and-swap against the position it read. Every trigger — a failed connect, a drop, a
/// stall, a manual request — advances through <see cref="TryAdvance"/>, which moves only if the
/// caller saw the current version, so concurrent triggers for one failure advance once. Readers
/// of the fan-out follow <see cref="Version"/>.
/// </summary>
internal sealed class StreamSources
{
    private readonly StreamRecord _stream;
    private readonly TimeProvider _time;

    public StreamSources(StreamRecord stream, TimeProvider time)
    {
        _stream = stream;
        _time = time;
    }

    public long Version => _stream.Failover.Version;

    /// <summary>The URL to read now.</summary>
    public string CurrentUrl => _stream.EffectiveUrl;

    /// <summary>Called after every advance, so a running channel switches at once.</summary>
    public void OnSwitched(Action callback) => _stream.AddSwitchListener(callback);

    public void RemoveOnSwitched(Action callback) => _stream.RemoveSwitchListener(callback);

    /// <summary>Marks a URL as bad until now + <paramref name="cooldown"/>; the ring skips it meanwhile.</summary>
    public void CoolDown(string url, TimeSpan cooldown)
    {
        if (cooldown <= TimeSpan.Zero)
        {
            return;
        }

        var until = _time.GetUtcNow() + cooldown;
        Replace(position => position with { CoolingUntil = new Dictionary<string, DateTimeOffset>(position.CoolingUntil, StringComparer.Ordinal) { [url] = until } });
    }

    public bool IsCoolingDown(string url) => IsCoolingDown(_stream.Failover, url, _time.GetUtcNow());

    /// <summary>The live source's state while a channel runs (null: none runs).</summary>
    public void SetState(SourceState? state) => Replace(position => position.SourceState == state ? null : position with { SourceState = state });

    /// <summary>Notes where an HLS variant came from, once (a concurrent first request keeps the first note).</summary>
    public VariantOrigin NoteOrigin(VariantOrigin origin)
    {
        Replace(position => position.Origin is null ? position with { Origin = origin } : null);
        return _stream.Failover.Origin ?? origin;
    }

    /// <summary>
    /// Moves to the next URL of the ring that is not cooling down, if the current version is still
    /// <paramref name="seenVersion"/>. Null when another trigger advanced first, or when no other
    /// URL is available.
    /// </summary>
    public FailoverSwitch? TryAdvance(long seenVersion, string reason)
    {
        while (true)
        {
            var shared = _stream.Shared;
            var position = shared.Failover;
            if (position.Version != seenVersion || NextInRing(shared) is not { } next)
            {
                return null;
            }

            if (TryApply(shared, next.Url, next.Index, reason) is { } change)
            {
                return change;
            }
        }
    }

    /// <summary>Moves to a URL the failover resolver chose, if the version is still <paramref name="seenVersion"/>.</summary>
    public FailoverSwitch? TryAdvanceTo(long seenVersion, string url, string reason)
    {
        while (true)
        {
            var shared = _stream.Shared;
            if (shared.Failover.Version != seenVersion)
            {
                return null;
            }

            if (TryApply(shared, url, shared.Failover.Index + 1, reason) is { } change)
            {
                return change;
            }
        }
    }

    /// <summary>Whether any URL other than the current one could be switched to now.</summary>
    public bool HasAlternative()
    {
        var shared = _stream.Shared;
        return shared.Definition.FailoverResolverUrl is not null || NextInRing(shared) is not null;
    }

    /// <summary>Sticky-session recovery (seed-spec §7.5): back to the entry URL when the current one is neither it nor a listed one.</summary>
    public bool TryRecoverSticky(long seenVersion)
    {
        while (true)
        {
            var shared = _stream.Shared;
            var (definition, position) = (shared.Definition, shared.Failover);
            if (position.Version != seenVersion || position.CurrentUrl is not { } current
                || current == definition.Url || definition.FailoverUrls.Contains(current))
            {
                return false;
            }

            if (_stream.TryReplaceFailover(position, position with { CurrentUrl = null, Version = position.Version + 1 }))
            {
                return true;
            }
        }
    }

    /// <summary>A redirect led to another backend: stay on it (sticky session).</summary>
    public void Stick(string finalUrl)
        => Replace(position => finalUrl != (position.CurrentUrl ?? _stream.Definition.Url) ? position with { CurrentUrl = finalUrl } : null);

    /// <summary>Applies the switch if the stream is still as read; null when another change won the race.</summary>
    private FailoverSwitch? TryApply(SharedStream shared, string url, int index, string reason)
    {
        var (definition, position) = (shared.Definition, shared.Failover);
        var next = position with
        {
            CurrentUrl = url == definition.Url ? null : url,
            Index = index,
            Attempts = position.Attempts + 1,
            LastFailoverTime = _time.GetUtcNow(),
            Version = position.Version + 1,
        };
        if (!_stream.TryReplaceFailover(position, next))
        {
            return null;
        }

        _stream.NotifySwitched();
        return new FailoverSwitch(position.CurrentUrl ?? definition.Url, url, index, next.Attempts, reason, next.Version);
    }

    /// <summary>Replaces the position with <paramref name="change"/>'s answer until no other change races it (null: nothing to change).</summary>
    private void Replace(Func<FailoverPosition, FailoverPosition?> change)
    {
        while (true)
        {
            var position = _stream.Failover;
            if (change(position) is not { } next || _stream.TryReplaceFailover(position, next))
            {
                return;
            }
        }
    }

    /// <summary>The next URL after the current one in primary → failover_urls → primary order, skipping cooling ones.</summary>
    private (string Url, int Index)? NextInRing(SharedStream shared)
    {
        var (definition, position) = (shared.Definition, shared.Failover);
        var ring = definition.FailoverUrls.Count + 1;
        if (ring == 1)
        {
            return null;
        }

        var now = _time.GetUtcNow();
        var current = position.CurrentUrl ?? definition.Url;
        var start = position.Index + 1; // 0 = primary, 1.. = failover_urls
        for (var step = 1; step < ring; step++)
        {
            var candidate = (start + step) % ring;
            var url = candidate == 0 ? definition.Url : definition.FailoverUrls[candidate - 1];
            if (url != current && !IsCoolingDown(position, url, now))
            {
                return (url, candidate - 1);
            }
        }

        return null;
    }

    private static bool IsCoolingDown(FailoverPosition position, string url, DateTimeOffset now)
        => position.CoolingUntil.TryGetValue(url, out var until) && until > now;
}
