using System.Text.Json.Nodes;

namespace M3uProxy.Edge.Events;

/// <summary>
/// Why a stream ended, as its <c>stream_stopped</c> says: the reason, and the extra keys that go
/// with it (<c>timeout_seconds</c>, <c>was_transcoded</c>, …). It becomes event data only when the
/// event is published, so the lifecycle never reads its own reason back out of JSON.
/// </summary>
internal sealed record StopReason(string Reason, JsonObject? Extra = null);
