namespace M3uProxy.Edge.Streams;

/// <summary>
/// Where streams are registered. In-memory by default; the Redis issue gives it a shared
/// implementation, so everything else talks to this interface only.
/// </summary>
internal interface IStreamRegistry
{
    /// <summary>Registers a stream, or recycles or reuses the one with the same id (seed-spec §4.3), atomically.</summary>
    StreamRecord GetOrCreate(StreamDefinition definition, DateTimeOffset now, out StreamUpsertOutcome outcome);

    bool TryGet(string streamId, out StreamRecord stream);

    /// <summary>Removes the stream if it is still this record (a recycled id is not removed by an old reference).</summary>
    bool TryRemove(StreamRecord stream);

    /// <summary>A point-in-time copy of every stream, variants included.</summary>
    IReadOnlyList<StreamRecord> Snapshot();
}
