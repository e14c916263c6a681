namespace M3uProxy.Edge.Testing;

/// <summary>One request a <see cref="FakeOrigin"/> received, as it arrived.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path, without the query.</param>
/// <param name="QueryString">The raw query including <c>?</c>, or empty.</param>
/// <param name="Headers">Every request header (case-insensitive names; repeated values joined with ",").</param>
/// <param name="Time">When the request reached the handler.</param>
/// <param name="ConnectionId">Kestrel's id of the TCP connection that carried it.</param>
public sealed record RecordedRequest(
    string Method,
    string Path,
    string QueryString,
    IReadOnlyDictionary<string, string> Headers,
    DateTimeOffset Time,
    string ConnectionId);
