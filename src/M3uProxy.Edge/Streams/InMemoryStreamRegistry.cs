using System.Collections.Concurrent;

namespace M3uProxy.Edge.Streams;

/// <summary>The single-instance registry: a concurrent dictionary, with create/recycle decisions under one lock.</summary>
internal sealed class InMemoryStreamRegistry : IStreamRegistry
{
    private readonly ConcurrentDictionary<string, StreamRecord> _streams = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly ServedTotals _totals;

    public InMemoryStreamRegistry(ServedTotals totals) => _totals = totals;

    public StreamRecord GetOrCreate(StreamDefinition definition, DateTimeOffset now, out StreamUpsertOutcome outcome)
    {
        lock (_gate)
        {
            if (_streams.TryGetValue(definition.Id, out var existing))
            {
                existing.Touch(now);
                if (existing.ClientCount > 0)
                {
                    outcome = StreamUpsertOutcome.Reused;
                    return existing;
                }

                existing.Reconfigure(definition);
                outcome = StreamUpsertOutcome.Recycled;
                return existing;
            }

            var created = new StreamRecord(definition, now, _totals);
            _streams[definition.Id] = created;
            outcome = StreamUpsertOutcome.Created;
            return created;
        }
    }

    public bool TryGet(string streamId, out StreamRecord stream) => _streams.TryGetValue(streamId, out stream!);

    public bool TryRemove(StreamRecord stream)
    {
        lock (_gate)
        {
            if (!_streams.TryRemove(new KeyValuePair<string, StreamRecord>(stream.Id, stream)))
            {
                return false;
            }

            // Under the lock, so the parent's counters never dip between the removal and the fold.
            if (stream.Definition.ParentStreamId is { } parentId && _streams.TryGetValue(parentId, out var parent))
            {
                parent.RetireVariant(stream);
            }

            return true;
        }
    }

    public IReadOnlyList<StreamRecord> Snapshot() => [.. _streams.Values];
}
