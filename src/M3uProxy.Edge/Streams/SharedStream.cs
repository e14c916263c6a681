namespace M3uProxy.Edge.Streams;

/// <summary>
/// What every instance may know about a stream: the client's definition and the failover
/// position. Immutable and serialisable (<see cref="StreamJsonContext"/>); the process-local rest
/// (lifetime, counters, clients) stays in <see cref="StreamRecord"/>.
/// </summary>
internal sealed record SharedStream(StreamDefinition Definition, FailoverPosition Failover);
