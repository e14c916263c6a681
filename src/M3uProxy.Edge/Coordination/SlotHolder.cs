namespace M3uProxy.Edge.Coordination;

/// <summary>Who holds a connection slot: the stream, the instance, its priority (higher stays longer) and since when.</summary>
internal sealed record SlotHolder(string SlotId, string StreamId, string WorkerId, int Priority, DateTimeOffset Since);
