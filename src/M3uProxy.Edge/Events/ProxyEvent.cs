using System.Text.Json.Nodes;

namespace M3uProxy.Edge.Events;

/// <summary>
/// One event with the reference's envelope (seed-spec §11.2): a UUID, the wire type, the stream
/// id (or <c>unknown</c>), a naive-UTC ISO timestamp and a <c>data</c> object whose keys follow
/// seed-spec §11.3.
/// </summary>
internal sealed record ProxyEvent(Guid EventId, EventType Type, string StreamId, DateTimeOffset Timestamp, JsonObject Data);
